#include "tools/fake_provider/fake_provider.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http.hpp>
#include <memory>

#include "tools/fake_provider/target.hpp"

namespace switchboard::tools::fake_provider {
namespace {

namespace http = boost::beast::http;

const char* mode_name(Mode mode) {
  switch (mode) {
    case Mode::normal:
      return "normal";
    case Mode::down:
      return "down";
    case Mode::slow:
      return "slow";
    case Mode::failing:
      return "failing";
  }
  return "normal";
}

std::string header(const Request& request, std::string_view name) {
  const auto it = request.find(boost::beast::string_view{name.data(), name.size()});
  if (it == request.end()) return {};
  return {it->value().data(), it->value().size()};
}

}  // namespace

FakeProvider::FakeProvider(boost::asio::io_context& io,
                           const boost::asio::ip::tcp::endpoint& endpoint, int channels,
                           const std::vector<std::string>& tokens, const TlsFiles& tls)
    : io_(io),
      tokens_(tokens.begin(), tokens.end()),
      endpoints_(channels),
      listener_(
          io, endpoint, [this](const Request& request, Reply reply) { serve(request, reply); },
          tls) {}

void FakeProvider::add_token(const std::string& token) {
  tokens_.insert(token);
}

void FakeProvider::set_mode(const ModeSettings& mode) {
  mode_ = mode;
  if (mode_.mode == Mode::down) {
    listener_.close();
  } else {
    listener_.open();
  }
  spdlog::info("mode {} (delay {} ms, status {}, remaining {})", mode_name(mode_.mode),
               mode_.delay.count(), mode_.status, mode_.remaining);
}

void FakeProvider::reset() {
  log_.clear();
  first_answers_.clear();
  set_mode({});
}

void FakeProvider::serve(const Request& request, const Reply& reply) {
  const std::string target{request.target().data(), request.target().size()};
  RecordedRequest record{.time = std::chrono::system_clock::now(),
                         .method = std::string{request.method_string()},
                         .target = target,
                         .path = path_of(target),
                         .authorization = header(request, "Authorization"),
                         .idempotency_key = header(request, "Idempotency-Key"),
                         .tenant = header(request, "X-Switchboard-Tenant"),
                         .body = request.body()};
  auto answer = decide(request, record);
  record.status = answer.status;
  spdlog::info("{} {} tenant={} key={} -> {}{}", record.method, target, record.tenant,
               record.idempotency_key, answer.status, record.repeat ? " (repeat)" : "");
  log_.add(std::move(record));
  if (mode_.mode != Mode::slow || mode_.delay.count() <= 0) return reply(std::move(answer));
  auto timer = std::make_shared<boost::asio::steady_timer>(io_, mode_.delay);
  timer->async_wait([timer, reply, answer = std::move(answer)](const boost::system::error_code&) {
    reply(answer);
  });
}

Answer FakeProvider::decide(const Request& request, RecordedRequest& record) {
  if (mode_.mode == Mode::failing) {
    const int status = mode_.status;
    if (mode_.remaining > 0 && --mode_.remaining == 0) set_mode({});
    return {status, error_body("failing on purpose")};
  }
  // Notice pushes are signed instead of carrying a client token.
  const bool notice = record.path == NoticeReceiver::path;
  constexpr std::string_view bearer = "Bearer ";
  const auto token = record.authorization.starts_with(bearer)
                         ? record.authorization.substr(bearer.size())
                         : std::string();
  if (!notice && !tokens_.contains(token)) return {401, error_body("unknown token")};
  const auto handle = [&] {
    return notice ? notices_.handle(request) : endpoints_.handle(request, token);
  };
  if (record.idempotency_key.empty()) return handle();
  const auto scope = record.authorization + '\n' + record.method + ' ' + record.target + '\n' +
                     record.idempotency_key;
  if (const auto first = first_answers_.find(scope); first != first_answers_.end()) {
    record.repeat = true;
    return first->second;
  }
  auto answer = handle();
  first_answers_.emplace(scope, answer);
  return answer;
}

std::string FakeProvider::state_json() const {
  rapidjson::StringBuffer buffer;
  JsonWriter writer{buffer};
  writer.StartObject();
  writer.Key("mode");
  writer.String(mode_name(mode_.mode));
  writer.Key("listening");
  writer.Bool(listener_.listening());
  writer.Key("port");
  writer.Uint(listener_.port());
  writer.Key("delay_ms");
  writer.Int64(mode_.delay.count());
  writer.Key("status");
  writer.Int(mode_.status);
  writer.Key("remaining");
  writer.Int(mode_.remaining);
  writer.Key("tokens");
  writer.Uint64(tokens_.size());
  endpoints_.write_state(writer);
  notices_.write_state(writer);
  writer.Key("counters");
  log_.write_counters(writer);
  writer.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::string FakeProvider::received_json(const std::string& path) const {
  rapidjson::StringBuffer buffer;
  JsonWriter writer{buffer};
  log_.write(writer, path);
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace switchboard::tools::fake_provider
