#include "tools/agent/middleware_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <stdexcept>

#include "api/http/encoding.hpp"
#include "api/http/types.hpp"

namespace switchboard::tools::agent {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

}  // namespace

std::optional<Address> parse_address(const std::string& text) {
  std::string rest = text;
  if (rest.starts_with("http://")) rest = rest.substr(7);
  if (const auto slash = rest.find('/'); slash != std::string::npos) rest = rest.substr(0, slash);
  Address a;
  const auto colon = rest.rfind(':');
  a.host = colon == std::string::npos ? rest : rest.substr(0, colon);
  a.port = colon == std::string::npos ? "8080" : rest.substr(colon + 1);
  if (a.host.empty() || a.port.empty() ||
      a.port.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return a;
}

Reply MiddlewareClient::post(const std::string& target, const std::string& body,
                             std::chrono::seconds timeout) const {
  return exchange(true, target, body, timeout);
}

Reply MiddlewareClient::get(const std::string& target, std::chrono::seconds timeout) const {
  return exchange(false, target, {}, timeout);
}

Reply MiddlewareClient::exchange(bool post, const std::string& target, const std::string& body,
                                 std::chrono::seconds timeout) const {
  try {
    net::io_context io;
    net::ip::tcp::resolver resolver{io};
    beast::tcp_stream stream{io};
    stream.expires_after(timeout);
    stream.connect(resolver.resolve(address_.host, address_.port));
    http::request<http::string_body> request{post ? http::verb::post : http::verb::get, target, 11};
    request.set(http::field::host, address_.host + ":" + address_.port);
    request.set(http::field::user_agent, "switchboard-agent");
    request.set(http::field::accept_encoding, "gzip");
    if (!token_.empty()) request.set(http::field::authorization, "Bearer " + token_);
    if (post) {
      request.set(http::field::content_type, "application/json");
      request.set(http::field::content_encoding, "gzip");
      request.body() = api::http::gzip(body);
      request.prepare_payload();
    }
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    http::read(stream, buffer, parser);
    auto& response = parser.get();
    const std::string encoding{response[http::field::content_encoding]};
    Reply reply{static_cast<int>(response.result_int()), std::move(response.body()),
                std::string{response[http::field::retry_after]}};
    if (api::http::iequals(encoding, "gzip")) {
      auto inflated = api::http::gunzip(reply.body, 64 << 20);
      if (inflated.status != api::http::Inflated::Status::ok) {
        throw std::runtime_error("the middleware sent a broken gzip body");
      }
      reply.body = std::move(inflated.data);
    }
    beast::error_code ignored;
    stream.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
    return reply;
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error(address_.host + ":" + address_.port + ": " + e.what());
  }
}

}  // namespace switchboard::tools::agent
