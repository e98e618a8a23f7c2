#pragma once

#include <boost/program_options/options_description.hpp>
#include <optional>
#include <string>

namespace switchboard::tools::admin {

// Where the owner's database URL comes from, in order: --database-url, --config FILE
// ([database] admin_url, else url), the SWITCHBOARD_DATABASE_URL environment variable. How long
// a vanished peer keeps its session: --crash-takeover-ms, else the config file's
// [database] crash_takeover_ms, else the server's default.
struct ConnectionOptions {
  std::string database_url;
  std::string config_file;
  std::optional<long> crash_takeover_ms;
};

// --database-url, --config and --crash-takeover-ms, stored into `into`.
boost::program_options::options_description connection_options(ConnectionOptions& into);

// The URL to connect with, with the dead-peer timeouts every server connection has
// (eventstore/connection_string.hpp): a `migrate` whose machine vanishes must not keep the
// migrations lock for hours. A UsageError when no URL is given, the config file does not name
// one, or a setting is out of range.
std::string resolve_database_url(const ConnectionOptions& options);

}  // namespace switchboard::tools::admin
