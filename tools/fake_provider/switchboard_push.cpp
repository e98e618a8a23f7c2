#include "tools/fake_provider/switchboard_push.hpp"

#include <spdlog/spdlog.h>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <memory>

#include "tools/fake_provider/json.hpp"

namespace switchboard::tools::fake_provider {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

constexpr auto kTimeout = std::chrono::seconds{10};

struct Url {
  std::string host;
  std::string port;
  std::string prefix;  // a path the public API is mounted under, without the trailing slash
};

// http://host[:port][/prefix]; TLS listeners are out of scope (the fake runs on loopback).
std::optional<Url> parse_url(std::string url) {
  constexpr std::string_view scheme = "http://";
  if (!url.starts_with(scheme)) return std::nullopt;
  url.erase(0, scheme.size());
  Url parsed;
  const auto slash = url.find('/');
  if (slash != std::string::npos) {
    parsed.prefix = url.substr(slash);
    while (parsed.prefix.ends_with('/')) parsed.prefix.pop_back();
    url.erase(slash);
  }
  const auto colon = url.rfind(':');
  parsed.host = url.substr(0, colon);
  parsed.port = colon == std::string::npos ? "80" : url.substr(colon + 1);
  if (parsed.host.empty() || parsed.port.empty()) return std::nullopt;
  return parsed;
}

class Push : public std::enable_shared_from_this<Push> {
 public:
  Push(net::io_context& io, Reply reply) : resolver_(io), stream_(io), reply_(std::move(reply)) {}

  void start(const Url& url, http::request<http::string_body> request) {
    request_ = std::move(request);
    request_.set(http::field::host, url.host + ":" + url.port);
    stream_.expires_after(kTimeout);
    resolver_.async_resolve(url.host, url.port,
                            [self = shared_from_this()](beast::error_code ec, auto results) {
                              if (ec) return self->fail("resolve", ec);
                              self->connect(results);
                            });
  }

 private:
  void connect(const tcp::resolver::results_type& results) {
    stream_.async_connect(results, [self = shared_from_this()](beast::error_code ec, auto) {
      if (ec) return self->fail("connect", ec);
      http::async_write(self->stream_, self->request_, [self](beast::error_code ec, std::size_t) {
        if (ec) return self->fail("write", ec);
        self->read();
      });
    });
  }

  void read() {
    http::async_read(
        stream_, buffer_, response_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) {
          if (ec) return self->fail("read", ec);
          beast::error_code ignored;
          self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
          const auto type = self->response_[http::field::content_type];
          self->reply_({static_cast<int>(self->response_.result_int()),
                        std::move(self->response_.body()), std::string{type.data(), type.size()}});
        });
  }

  void fail(const char* step, const beast::error_code& ec) {
    spdlog::warn("push to Switchboard: {} failed: {}", step, ec.message());
    reply_(
        {502, error_body(std::string{"Switchboard unreachable ("} + step + "): " + ec.message())});
  }

  tcp::resolver resolver_;
  beast::tcp_stream stream_;
  Reply reply_;
  http::request<http::string_body> request_;
  beast::flat_buffer buffer_;
  http::response<http::string_body> response_;
};

}  // namespace

void push_to_switchboard(net::io_context& io, const rapidjson::Value& spec, Reply reply) {
  const auto url = parse_url(string_member(spec, "switchboard"));
  if (!url) return reply({400, error_body("switchboard must be http://host:port")});
  const auto path = string_member(spec, "path");
  if (!path.starts_with('/')) return reply({400, error_body("path must start with /")});
  const auto method_name = string_member(spec, "method");
  const auto method = method_name.empty() ? http::verb::post : http::string_to_verb(method_name);
  if (method == http::verb::unknown) return reply({400, error_body("unknown method")});

  http::request<http::string_body> request{method, url->prefix + path, 11};
  const auto token = string_member(spec, "token");
  if (!token.empty()) request.set(http::field::authorization, "Bearer " + token);
  const auto key = string_member(spec, "idempotency_key");
  if (!key.empty()) request.set("Idempotency-Key", key);
  const auto body = spec.FindMember("body");
  if (body != spec.MemberEnd() && !body->value.IsNull()) {
    // A string goes as it is, so tests can push malformed JSON too.
    request.body() = body->value.IsString()
                         ? std::string{body->value.GetString(), body->value.GetStringLength()}
                         : to_json(body->value);
    request.set(http::field::content_type, "application/json");
  }
  request.keep_alive(false);
  request.prepare_payload();
  std::make_shared<Push>(io, std::move(reply))->start(*url, std::move(request));
}

}  // namespace switchboard::tools::fake_provider
