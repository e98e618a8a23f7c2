#pragma once

// The outbound HTTP/1.1 client for provider endpoints: http and https (verified against the
// system CA store, presenting a client certificate when configured), one deadline per request
// covering resolve, connect, TLS and the exchange, and idle keep-alive connections reused per host.
// Answers are status values: a provider that misbehaves is the normal case here, never an
// exception.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace switchboard::api::delivery {

struct Url {
  bool tls = false;
  std::string host;
  std::string port;
  std::string target;  // path and query, at least "/"
};

// http(s)://host[:port][/path][?query]; nullopt for anything else.
std::optional<Url> parse_url(std::string_view url);

struct HttpCall {
  std::string method;  // GET, POST
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct HttpAnswer {
  bool answered = false;  // false: no HTTP answer at all (refused, reset, timeout, bad URL)
  int status = 0;
  std::string body;
  std::string error;  // why there was no answer
};

// PEM files for TLS with providers; every one optional.
struct ProviderTls {
  std::string ca_file;  // trusted besides the system store
  // Presented to every provider that asks (mutual TLS); both or neither.
  std::string client_cert_file;  // the chain, leaf first
  std::string client_key_file;
};

struct ProviderTlsError {
  enum class File { ca, client_cert, client_key } file;
  std::string message;
};

// Loads the files as every connection will, so a bad one is found at start-up.
std::optional<ProviderTlsError> check_provider_tls(const ProviderTls& tls);

struct ProviderClientSettings {
  std::chrono::milliseconds timeout{10'000};
  ProviderTls tls;
  std::size_t max_idle_per_host = 4;
  std::size_t body_limit = 32 * 1024 * 1024;
};

// Not thread-safe: each delivery thread owns one (with its own connections).
class ProviderClient {
 public:
  explicit ProviderClient(ProviderClientSettings settings);
  ~ProviderClient();
  ProviderClient(const ProviderClient&) = delete;
  ProviderClient& operator=(const ProviderClient&) = delete;

  HttpAnswer call(const HttpCall& call);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace switchboard::api::delivery
