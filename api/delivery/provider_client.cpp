#include "api/delivery/provider_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <map>

namespace switchboard::api::delivery {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

std::optional<Url> parse_url(std::string_view url) {
  Url u;
  std::string_view rest;
  if (url.starts_with("https://")) {
    u.tls = true;
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return std::nullopt;
  }
  const auto slash = rest.find_first_of("/?");
  auto authority = rest.substr(0, slash);
  u.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (u.target.front() == '?') u.target.insert(0, "/");
  if (authority.find('@') != std::string_view::npos) return std::nullopt;
  std::string_view port;
  if (authority.starts_with('[')) {  // [IPv6]:port
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    u.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return std::nullopt;
      port = authority.substr(close + 2);
    }
  } else {
    const auto colon = authority.rfind(':');
    u.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (u.host.empty()) return std::nullopt;
  if (!port.empty() && (port.size() > 5 || port.find_first_not_of("0123456789") != port.npos)) {
    return std::nullopt;
  }
  u.port = port.empty() ? (u.tls ? "443" : "80") : std::string(port);
  return u;
}

namespace {

// One kept-alive connection: plain or TLS.
struct Connection {
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure;
  SteadyClock::time_point idle_since;

  beast::tcp_stream& tcp() { return secure ? beast::get_lowest_layer(*secure) : *plain; }
};

// Servers close idle connections on their own schedule; reusing one older than this is likely
// to hit a closed socket, which costs a retry.
constexpr auto max_idle_age = std::chrono::seconds{20};

bool closed_by_peer(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe ||
         ec == net::ssl::error::stream_truncated;
}

std::optional<ProviderTlsError> load(ssl::context& context, const ProviderTls& tls) {
  using File = ProviderTlsError::File;
  beast::error_code ec;
  context.set_default_verify_paths(ec);
  if (ec) return ProviderTlsError{File::ca, "the system trust store: " + ec.message()};
  if (!tls.ca_file.empty() && context.load_verify_file(tls.ca_file, ec)) {
    return ProviderTlsError{File::ca, ec.message()};
  }
  if (!tls.client_cert_file.empty() &&
      context.use_certificate_chain_file(tls.client_cert_file, ec)) {
    return ProviderTlsError{File::client_cert, ec.message()};
  }
  // OpenSSL also checks that the key belongs to the certificate.
  if (!tls.client_key_file.empty() &&
      context.use_private_key_file(tls.client_key_file, ssl::context::pem, ec)) {
    return ProviderTlsError{File::client_key, ec.message()};
  }
  return std::nullopt;
}

}  // namespace

std::optional<ProviderTlsError> check_provider_tls(const ProviderTls& tls) {
  ssl::context context{ssl::context::tls_client};
  return load(context, tls);
}

struct ProviderClient::Impl {
  ProviderClientSettings settings;
  net::io_context io;
  ssl::context tls{ssl::context::tls_client};
  std::string tls_error;
  std::map<std::string, std::vector<Connection>> idle;

  explicit Impl(ProviderClientSettings s) : settings(std::move(s)) {
    // Checked at start-up (check_provider_tls); a file broken since fails each TLS call.
    if (auto error = load(tls, settings.tls)) tls_error = "TLS files: " + error->message;
    tls.set_verify_mode(ssl::verify_peer);
  }

  static std::string key_of(const Url& u) {
    return (u.tls ? "https://" : "http://") + u.host + ":" + u.port;
  }

  std::optional<Connection> take_idle(const std::string& key) {
    auto it = idle.find(key);
    while (it != idle.end() && !it->second.empty()) {
      Connection c = std::move(it->second.back());
      it->second.pop_back();
      if (SteadyClock::now() - c.idle_since < max_idle_age) return c;
    }
    return std::nullopt;
  }

  void keep(const std::string& key, Connection c) {
    auto& list = idle[key];
    if (list.size() >= settings.max_idle_per_host) return;
    c.idle_since = SteadyClock::now();
    list.push_back(std::move(c));
  }

  // Runs one asynchronous operation to its end on this thread. Async operations (not blocking
  // ones) because only they honour the stream's deadline.
  template <class Start>
  beast::error_code run_one(Start&& start) {
    beast::error_code result = net::error::operation_aborted;
    start([&result](const beast::error_code& ec, auto&&...) { result = ec; });
    io.restart();
    io.run();
    return result;
  }

  beast::error_code connect(const Url& u, Connection& c, SteadyClock::time_point deadline,
                            std::string& stage) {
    stage = "resolve " + u.host;
    tcp::resolver resolver(io);
    // The resolver has no deadline of its own.
    net::steady_timer guard(io);
    guard.expires_at(deadline);
    guard.async_wait([&resolver](const beast::error_code& e) {
      if (!e) resolver.cancel();
    });
    tcp::resolver::results_type endpoints;
    auto ec = run_one([&](auto handler) {
      resolver.async_resolve(
          u.host, u.port,
          [&, handler](const beast::error_code& e, tcp::resolver::results_type r) mutable {
            guard.cancel();
            endpoints = std::move(r);
            handler(e);
          });
    });
    if (ec) return SteadyClock::now() >= deadline ? beast::error::timeout : ec;
    stage = "connect to " + u.host + ":" + u.port;
    if (u.tls) {
      c.secure = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(io, tls);
    } else {
      c.plain = std::make_unique<beast::tcp_stream>(io);
    }
    c.tcp().expires_at(deadline);
    ec = run_one([&](auto handler) { c.tcp().async_connect(endpoints, handler); });
    if (ec || !u.tls) return ec;
    stage = "TLS handshake with " + u.host;
    if (!tls_error.empty()) {
      stage = tls_error;
      return net::error::access_denied;
    }
    // SNI, and the certificate must name the host.
    if (!SSL_set_tlsext_host_name(c.secure->native_handle(), u.host.c_str())) {
      return beast::error_code(static_cast<int>(::ERR_get_error()), net::error::get_ssl_category());
    }
    c.secure->set_verify_callback(ssl::host_name_verification(u.host));
    return run_one(
        [&](auto handler) { c.secure->async_handshake(ssl::stream_base::client, handler); });
  }

  template <class Stream>
  beast::error_code exchange(Stream& stream, beast::tcp_stream& tcp,
                             http::request<http::string_body>& request,
                             http::response<http::string_body>& response,
                             SteadyClock::time_point deadline, bool& got_bytes) {
    tcp.expires_at(deadline);
    auto ec = run_one([&](auto handler) { http::async_write(stream, request, handler); });
    if (ec) return ec;
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(settings.body_limit);
    ec = run_one([&](auto handler) { http::async_read(stream, buffer, parser, handler); });
    got_bytes = parser.got_some();
    if (!ec) response = parser.release();
    return ec;
  }

  void run(const HttpCall& call, const Url& u, HttpAnswer& out) {
    const auto deadline = SteadyClock::now() + settings.timeout;
    http::request<http::string_body> request;
    request.method_string(call.method);
    request.target(u.target);
    request.version(11);
    const bool default_port = u.port == (u.tls ? "443" : "80");
    request.set(http::field::host, default_port ? u.host : u.host + ":" + u.port);
    request.set(http::field::user_agent, "Switchboard");
    for (const auto& [name, value] : call.headers) request.set(name, value);
    request.body() = call.body;
    request.prepare_payload();
    request.keep_alive(true);

    const auto key = key_of(u);
    // A kept-alive connection the server has meanwhile closed fails before any answer: then
    // once more on a fresh one (the Idempotency-Key makes the repeat harmless).
    for (int round = 0; round < 2; ++round) {
      auto reused = take_idle(key);
      Connection c;
      std::string stage = "exchange with " + key;
      beast::error_code ec;
      if (reused) {
        c = std::move(*reused);
      } else {
        ec = connect(u, c, deadline, stage);
        if (ec) {
          out.error = stage + ": " + ec.message();
          return;
        }
        stage = "exchange with " + key;
      }
      http::response<http::string_body> response;
      bool got_bytes = false;
      ec = c.secure ? exchange(*c.secure, c.tcp(), request, response, deadline, got_bytes)
                    : exchange(*c.plain, c.tcp(), request, response, deadline, got_bytes);
      if (!ec) {
        out.answered = true;
        out.status = static_cast<int>(response.result_int());
        out.body = std::move(response.body());
        if (response.keep_alive()) keep(key, std::move(c));
        return;
      }
      if (reused && !got_bytes && closed_by_peer(ec) && SteadyClock::now() < deadline) continue;
      out.error = stage + ": " + ec.message();
      return;
    }
  }
};

ProviderClient::ProviderClient(ProviderClientSettings settings)
    : impl_(std::make_unique<Impl>(std::move(settings))) {}

ProviderClient::~ProviderClient() = default;

HttpAnswer ProviderClient::call(const HttpCall& call) {
  HttpAnswer out;
  const auto url = parse_url(call.url);
  if (!url) {
    out.error = "not an http(s) URL: " + call.url;
    return out;
  }
  try {
    impl_->run(call, *url, out);
  } catch (const std::exception& e) {
    out = {};
    out.error = e.what();
    impl_->idle.clear();
  }
  return out;
}

}  // namespace switchboard::api::delivery
