#include "tests/e2e/support/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <future>
#include <stdexcept>
#include <thread>

#include "api/http/encoding.hpp"
#include "api/http/types.hpp"

namespace switchboard::tests::e2e {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;

// Runs the I/O on its own thread, so each step can be awaited with a deadline. Streams must be
// destroyed after stop(): a timed-out operation may still be pending on that thread.
class IoThread {
 public:
  IoThread() : guard_{net::make_work_guard(context_)}, thread_{[this] { context_.run(); }} {}
  ~IoThread() { stop(); }
  net::io_context& context() { return context_; }

  void stop() {
    if (!thread_.joinable()) return;
    guard_.reset();
    context_.stop();
    thread_.join();
  }

 private:
  net::io_context context_;
  net::executor_work_guard<net::io_context::executor_type> guard_;
  std::thread thread_;
};

struct StopFirst {
  IoThread& io;
  ~StopFirst() { io.stop(); }
};

template <typename Future>
auto await(Future future, std::chrono::steady_clock::time_point deadline) {
  if (future.wait_until(deadline) != std::future_status::ready) {
    throw std::runtime_error("HTTP request timed out");
  }
  return future.get();
}

bhttp::verb verb_of(const std::string& method) {
  const auto verb = bhttp::string_to_verb(method);
  if (verb == bhttp::verb::unknown) throw std::invalid_argument("unknown method " + method);
  return verb;
}

template <typename Stream>
HttpResponse exchange(Stream& stream, const HttpRequest& request, const Endpoint& endpoint,
                      std::chrono::steady_clock::time_point deadline) {
  bhttp::request<bhttp::string_body> req{verb_of(request.method), request.target, 11};
  req.set(bhttp::field::host, endpoint.host + ":" + std::to_string(endpoint.port));
  for (const auto& [name, value] : request.headers) req.set(name, value);
  if (request.gzip_body) {
    req.set(bhttp::field::content_encoding, "gzip");
    req.body() = api::http::gzip(request.body);
  } else {
    req.body() = request.body;
  }
  if (!req.body().empty() || request.method != "GET") req.prepare_payload();

  await(bhttp::async_write(stream, req, net::use_future), deadline);
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 << 20);
  await(bhttp::async_read(stream, buffer, parser, net::use_future), deadline);

  const auto& res = parser.get();
  HttpResponse out;
  out.status = res.result_int();
  for (const auto& field : res) {
    out.headers.emplace_back(std::string{field.name_string()}, std::string{field.value()});
  }
  out.body = res.body();
  return out;
}

}  // namespace

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (api::http::iequals(key, name)) return value;
  }
  return std::nullopt;
}

std::string HttpResponse::text() const {
  const auto encoding = header("Content-Encoding");
  if (!encoding || !api::http::iequals(*encoding, "gzip")) return body;
  auto inflated = api::http::gunzip(body, std::size_t{1} << 30);
  if (inflated.status != api::http::Inflated::Status::ok) {
    throw std::runtime_error("the response body is not valid gzip");
  }
  return std::move(inflated.data);
}

HttpResponse send(const Endpoint& endpoint, const HttpRequest& request,
                  std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  IoThread io;
  const tcp::endpoint address{net::ip::make_address(endpoint.host), endpoint.port};

  if (!endpoint.tls) {
    beast::tcp_stream stream{io.context()};
    const StopFirst stop_first{io};
    await(stream.socket().async_connect(address, net::use_future), deadline);
    auto response = exchange(stream, request, endpoint, deadline);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    return response;
  }

  net::ssl::context context{net::ssl::context::tls_client};
  if (endpoint.tls->ca_file.empty()) {
    context.set_verify_mode(net::ssl::verify_none);
  } else {
    context.load_verify_file(endpoint.tls->ca_file);
    context.set_verify_mode(net::ssl::verify_peer);
  }
  if (!endpoint.tls->cert_file.empty()) {
    context.use_certificate_chain_file(endpoint.tls->cert_file);
    context.use_private_key_file(endpoint.tls->key_file, net::ssl::context::pem);
  }
  beast::ssl_stream<beast::tcp_stream> stream{io.context(), context};
  const StopFirst stop_first{io};
  await(beast::get_lowest_layer(stream).socket().async_connect(address, net::use_future), deadline);
  await(stream.async_handshake(net::ssl::stream_base::client, net::use_future), deadline);
  return exchange(stream, request, endpoint, deadline);
}

HttpResponse get(const Endpoint& endpoint, std::string target,
                 std::vector<std::pair<std::string, std::string>> headers) {
  return send(endpoint, HttpRequest{.method = "GET",
                                    .target = std::move(target),
                                    .headers = std::move(headers),
                                    .body = {},
                                    .gzip_body = false});
}

}  // namespace switchboard::tests::e2e
