#pragma once

// The HTTP(S) server. The only part of Switchboard that includes RESTinio, behind a pimpl.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "api/http/metrics.hpp"
#include "api/http/router.hpp"

namespace switchboard::api::http {

struct TlsSettings {
  // TLS is on when cert_file is set; key_file is then required.
  std::string cert_file;
  std::string key_file;
  // When set, client certificates are verified against this CA bundle (mTLS).
  std::string client_ca_file;
  // With a client CA: refuse the handshake when the client presents no certificate.
  bool require_client_cert = true;

  bool enabled() const { return !cert_file.empty(); }
};

struct ServerSettings {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;
  std::size_t threads = 2;
  // From a request's arrival to its response.
  std::chrono::milliseconds request_timeout{30'000};
  // Waiting for the next request on a keep-alive connection, and reading one.
  std::chrono::milliseconds read_timeout{30'000};
  // Global cap on a request body, compressed or inflated; routes may set a lower one.
  std::size_t max_body_bytes = 16 << 20;
  TlsSettings tls;
};

// 127.0.0.0/8, ::1 and "localhost".
bool is_loopback(std::string_view address);

// nullopt when the settings can be served; otherwise why not. Plain HTTP is refused unless the
// address is loopback.
std::optional<std::string> check_settings(const ServerSettings& settings);

class Server {
 public:
  // The router must outlive the server, and work handed to a gate's run_on must be done before
  // the router and the server go (it runs the rest of the route). A Responder may be called or
  // dropped at any time, also after the server stopped or went (the answer then goes nowhere),
  // as long as `metrics` lives. Throws std::invalid_argument when a route names a body schema that
  // api/schemas does not have.
  Server(ServerSettings settings, const Router& router, Metrics& metrics);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Serves until stop(). Throws std::runtime_error when the server cannot start (settings
  // refused by check_settings, port in use, unreadable certificate).
  void run();
  // Thread-safe; may be called before run(), which then returns at once.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace switchboard::api::http
