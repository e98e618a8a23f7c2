#pragma once

// The configuration file: INI sections, every setting known in advance (an unknown one is an
// error, so a typo never silently falls back to a default).
//
//   [http]     address, port*, threads, max_body_bytes, request_timeout_ms, read_timeout_ms
//   [tls]      cert_file, key_file, client_ca_file, require_client_cert
//   [database] url*, admin_url, crash_takeover_ms
//   [nats]     url*, prefix
//   [cti]      url*, login_workers, login_max_wait_ms
//   [messaging] secret_key*, retry_delay_ms, max_attempts, unavailable_retry_ms, expiry_ms,
//              request_timeout_ms, crash_takeover_ms, delivery_concurrency, provider_concurrency,
//              max_held, max_defer_ms, error_retention_days, public_base_url, provider_ca_file,
//              provider_client_cert_file, provider_client_key_file
//   [log]      level
//
// (* required)

#include <filesystem>
#include <istream>
#include <string>
#include <string_view>
#include <variant>

#include "api/cti/login_queue.hpp"
#include "api/delivery/provider_client.hpp"
#include "api/http/server.hpp"
#include "eventstore/connection_string.hpp"

namespace switchboard::api::config {

// Messaging with providers (seed 000): the key that seals client tokens at rest, and the delivery
// rules' timings ("no answer -> retry after 5 s, at most 3 attempts"; "not sent within an hour ->
// not sent"), configurable so tests can shorten them.
struct MessagingSettings {
  std::string secret_key;  // 64 hex characters: AES-256
  std::chrono::milliseconds retry_delay{5'000};
  int max_attempts = 3;
  std::chrono::milliseconds unavailable_retry{30'000};
  std::chrono::milliseconds expiry{3'600'000};
  std::chrono::milliseconds request_timeout{10'000};
  // How long jobs a crashed node held wait before another node may run them (the broker's ack
  // deadline; a live node keeps extending it).
  std::chrono::milliseconds crash_takeover{30'000};
  // Calls to providers at the same time, and to one provider; delivery jobs held in memory
  // (docs/messaging.md, "Fairness between providers").
  int delivery_concurrency = 32;
  int provider_concurrency = 16;
  int max_held = 10'000;
  // The longest a job beyond its provider's share stays back in the queue before it is looked
  // at again (the first time half of crash_takeover, twice as long each further time).
  std::chrono::milliseconds max_defer{300'000};
  int error_retention_days = 30;
  // Where providers reach this cluster's public API (the part before /public/v1), without a
  // trailing '/': what set_webhook tells them. Empty: set_webhook is not called.
  std::string public_base_url;
  // Calls to providers: CAs trusted besides the system store, and the client certificate
  // presented to providers that require mutual TLS (seed 000, "mTLS").
  delivery::ProviderTls provider_tls;
};

struct Config {
  http::ServerSettings server;
  // The application role; cannot UPDATE or DELETE events.
  std::string database_url;
  // The owner role, for migrations; empty when not configured.
  std::string database_admin_url;
  // How long PostgreSQL keeps the session of a node that vanished without closing its TCP
  // connections, and with it the advisory locks that make the node the owner of projections,
  // delivery and the CTI connection: the server's connections ask both ends to probe the peer
  // (eventstore/connection_string.hpp).
  std::chrono::milliseconds database_crash_takeover = eventstore::kDefaultCrashTakeover;
  std::string nats_url;
  // Starts every subject and stream name this cluster uses: the nodes of one cluster share it,
  // clusters sharing a nats-server each need their own.
  std::string nats_prefix = "switchboard";
  std::string cti_url;
  // Threads checking login passwords, and how long a login may wait for one before it is
  // refused (503) rather than queued; the server keeps it 5 s below http.request_timeout_ms.
  api::cti::LoginQueueSettings cti_logins;
  MessagingSettings messaging;
  // A spdlog level name: trace, debug, info, warn, error, critical, off.
  std::string log_level = "info";
};

struct ConfigError {
  // Names the file and the setting: "switchboard.ini: http.port is required".
  std::string message;
};

using LoadResult = std::variant<Config, ConfigError>;

LoadResult load(const std::filesystem::path& file);

// `source` names the input in error messages.
LoadResult parse(std::istream& in, std::string_view source);

}  // namespace switchboard::api::config
