#pragma once

// The configuration file: INI sections, every setting known in advance (an unknown one is an
// error, so a typo never silently falls back to a default).
//
//   [http]     address, port*, threads, max_body_bytes, request_timeout_ms, read_timeout_ms
//   [tls]      cert_file, key_file, client_ca_file, require_client_cert
//   [database] url*, admin_url
//   [nats]     url*
//   [cti]      url*
//   [log]      level
//
// (* required)

#include <filesystem>
#include <istream>
#include <string>
#include <string_view>
#include <variant>

#include "api/http/server.hpp"

namespace switchboard::api::config {

struct Config {
  http::ServerSettings server;
  // The application role; cannot UPDATE or DELETE events.
  std::string database_url;
  // The owner role, for migrations; empty when not configured.
  std::string database_admin_url;
  std::string nats_url;
  std::string cti_url;
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
