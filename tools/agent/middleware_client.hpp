#pragma once

// The agent's side of the CTI middleware's HTTP API: blocking HTTP/1.1 over Boost.Beast, request
// bodies gzip-compressed, gzip responses accepted. One connection per request, so the long-poll
// thread and the command thread never share a socket.

#include <chrono>
#include <optional>
#include <string>

namespace switchboard::tools::agent {

struct Address {
  std::string host;
  std::string port;
};

// "http://host:port", "host:port" or "host" (port 8080).
std::optional<Address> parse_address(const std::string& text);

struct Reply {
  int status = 0;
  std::string body;         // inflated
  std::string retry_after;  // the Retry-After header; empty without one
};

class MiddlewareClient {
 public:
  explicit MiddlewareClient(Address address) : address_(std::move(address)) {}

  // Throws std::runtime_error when the middleware cannot be reached.
  Reply post(const std::string& target, const std::string& body,
             std::chrono::seconds timeout = std::chrono::seconds{15}) const;
  Reply get(const std::string& target, std::chrono::seconds timeout) const;

  void set_token(std::string token) { token_ = std::move(token); }

 private:
  Reply exchange(bool post, const std::string& target, const std::string& body,
                 std::chrono::seconds timeout) const;
  Address address_;
  std::string token_;
};

}  // namespace switchboard::tools::agent
