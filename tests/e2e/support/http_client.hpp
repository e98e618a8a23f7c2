#pragma once

// A small blocking HTTP/1.1 client over a real socket (Boost.Beast), optionally over TLS with a
// client certificate. One connection per request.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace switchboard::tests::e2e {

struct ClientTls {
  // Verifies the server's certificate; empty skips verification.
  std::string ca_file;
  // Presented to the server when set.
  std::string cert_file;
  std::string key_file;
};

struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Sends the body gzip-compressed with Content-Encoding: gzip.
  bool gzip_body = false;
};

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  // As received (still compressed when Content-Encoding is gzip).
  std::string body;

  std::optional<std::string> header(std::string_view name) const;
  // The body inflated when Content-Encoding is gzip.
  std::string text() const;
};

struct Endpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::optional<ClientTls> tls;
};

// Throws boost::system::system_error when connecting, the TLS handshake or the exchange fails,
// and std::runtime_error after `timeout`.
HttpResponse send(const Endpoint& endpoint, const HttpRequest& request,
                  std::chrono::milliseconds timeout = std::chrono::seconds{10});

HttpResponse get(const Endpoint& endpoint, std::string target,
                 std::vector<std::pair<std::string, std::string>> headers = {});

}  // namespace switchboard::tests::e2e
