#include "tools/fake_provider/control_api.hpp"

#include <boost/beast/http.hpp>

#include "tools/fake_provider/json.hpp"
#include "tools/fake_provider/switchboard_push.hpp"
#include "tools/fake_provider/target.hpp"

namespace switchboard::tools::fake_provider {
namespace {

namespace http = boost::beast::http;

const Answer kOk{200, R"({"ok":true})"};

std::optional<Mode> mode_named(const std::string& name) {
  if (name == "normal" || name == "up") return Mode::normal;
  if (name == "down") return Mode::down;
  if (name == "slow") return Mode::slow;
  if (name == "failing") return Mode::failing;
  return std::nullopt;
}

}  // namespace

ControlApi::ControlApi(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint,
                       FakeProvider& provider)
    : io_(io),
      provider_(provider),
      listener_(io, endpoint,
                [this](const Request& request, Reply reply) { serve(request, reply); }) {}

void ControlApi::serve(const Request& request, const Reply& reply) {
  // A failure (say, the port taken while the provider was down) is the caller's answer, not the
  // end of the process.
  try {
    handle(request, reply);
  } catch (const std::exception& e) {
    reply({500, error_body(e.what())});
  }
}

void ControlApi::handle(const Request& request, const Reply& reply) {
  const std::string target{request.target().data(), request.target().size()};
  const auto path = path_of(target);
  if (request.method() == http::verb::get) {
    if (path == "/state") return reply({200, provider_.state_json()});
    if (path == "/received")
      return reply({200, provider_.received_json(query_param(target, "path"))});
    return reply({404, error_body("no such control: GET " + path)});
  }
  if (request.method() != http::verb::post) return reply({405, error_body("GET or POST")});
  const auto body = parse_object(request.body());
  if (!body) return reply({400, error_body("the body must be a JSON object")});

  if (path == "/push") return push_to_switchboard(io_, *body, reply);
  if (path == "/reset") {
    provider_.reset();
    return reply(kOk);
  }
  if (path == "/mode") return reply(set_mode(*body));
  if (path == "/tokens") {
    const auto token = string_member(*body, "token");
    if (token.empty()) return reply({400, error_body("token is required")});
    provider_.add_token(token);
    return reply(kOk);
  }
  if (path == "/notice-secret") {
    auto secret = string_member(*body, "secret");
    if (secret.empty()) return reply({400, error_body("secret is required")});
    provider_.notices().set_secret(std::move(secret));
    return reply(kOk);
  }
  if (path == "/accounts") {
    const auto accounts = body->FindMember("accounts");
    if (accounts != body->MemberEnd() && accounts->value.IsArray()) {
      provider_.endpoints().set_accounts(accounts->value);
      return reply(kOk);
    }
    const auto channels = int_member(*body, "channels", -1);
    if (channels < 0) return reply({400, error_body("accounts (an array) or channels (n >= 0)")});
    provider_.endpoints().set_channels(static_cast<int>(channels));
    return reply(kOk);
  }
  if (path == "/history") {
    const auto messages = body->FindMember("messages");
    if (messages == body->MemberEnd() || !messages->value.IsArray()) {
      return reply({400, error_body("messages must be an array")});
    }
    const auto page_size = int_member(*body, "page_size", 50);
    if (page_size < 1) return reply({400, error_body("page_size must be at least 1")});
    provider_.endpoints().set_history(messages->value, static_cast<int>(page_size));
    return reply(kOk);
  }
  reply({404, error_body("no such control: POST " + path)});
}

Answer ControlApi::set_mode(const rapidjson::Value& body) {
  const auto mode = mode_named(string_member(body, "mode"));
  if (!mode) return {400, error_body("mode must be normal, up, down, slow or failing")};
  ModeSettings settings{.mode = *mode,
                        .delay = std::chrono::milliseconds{int_member(body, "delay_ms", 0)},
                        .status = static_cast<int>(int_member(body, "status", 503)),
                        .remaining = static_cast<int>(int_member(body, "count", 0))};
  if (settings.delay.count() < 0 || settings.remaining < 0) {
    return {400, error_body("delay_ms and count must not be negative")};
  }
  if (settings.status < 100 || settings.status > 599) {
    return {400, error_body("status must be an HTTP status code")};
  }
  if (settings.mode == Mode::slow && settings.delay.count() == 0) {
    return {400, error_body("slow needs delay_ms")};
  }
  provider_.set_mode(settings);
  return {200, provider_.state_json()};
}

}  // namespace switchboard::tools::fake_provider
