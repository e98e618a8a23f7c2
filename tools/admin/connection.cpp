#include "tools/admin/connection.hpp"

#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <optional>

#include "eventstore/connection_string.hpp"
#include "tools/admin/command_line.hpp"

namespace switchboard::tools::admin {
namespace {

namespace po = boost::program_options;

constexpr const char* kUrlVariable = "SWITCHBOARD_DATABASE_URL";

struct FileSettings {
  std::string url;
  std::optional<long> crash_takeover_ms;
};

// Reads only the settings we need; the server's loader (api/config) checks the rest, and the
// admin tool must not refuse a file because the server grew a setting.
FileSettings from_config(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw UsageError(fmt::format("cannot read config file '{}'", path));
  po::options_description settings;
  auto add = settings.add_options();
  add("database.admin_url", po::value<std::string>());
  add("database.url", po::value<std::string>());
  add("database.crash_takeover_ms", po::value<long>());
  po::variables_map values;
  try {
    po::store(po::parse_config_file(file, settings, true), values);
  } catch (const po::error& e) {
    throw UsageError(fmt::format("{}: {}", path, e.what()));
  }
  FileSettings found;
  if (values.count("database.crash_takeover_ms") != 0) {
    found.crash_takeover_ms = values["database.crash_takeover_ms"].as<long>();
  }
  for (const char* key : {"database.admin_url", "database.url"}) {
    if (values.count(key) != 0 && !values[key].as<std::string>().empty()) {
      found.url = values[key].as<std::string>();
      return found;
    }
  }
  throw UsageError(fmt::format("{}: neither [database] admin_url nor [database] url is set", path));
}

// The server's bounds (api/config), so the tool gives up on a vanished database no later than
// the server does.
std::chrono::milliseconds crash_takeover(long ms, std::string_view setting) {
  constexpr long kMax = 86'400'000;
  if (ms < eventstore::kMinimumCrashTakeover.count() || ms > kMax) {
    throw UsageError(fmt::format("{}: from {} to {} (keepalive probes go whole seconds apart)",
                                 setting, eventstore::kMinimumCrashTakeover.count(), kMax));
  }
  return std::chrono::milliseconds{ms};
}

}  // namespace

po::options_description connection_options(ConnectionOptions& into) {
  po::options_description d("Connection options (before or after the command)");
  auto add = d.add_options();
  add("database-url", po::value(&into.database_url)->value_name("URL"),
      "owner role's PostgreSQL URL [$SWITCHBOARD_DATABASE_URL]");
  add("config", po::value(&into.config_file)->value_name("FILE"),
      "server INI file: [database] admin_url, else url; crash_takeover_ms");
  add("crash-takeover-ms", po::value<long>()->value_name("MS")->notifier([&into](long ms) {
    into.crash_takeover_ms = ms;
  }),
      fmt::format("give up on a vanished peer within MS, as the server does "
                  "([database] crash_takeover_ms, else {})",
                  eventstore::kDefaultCrashTakeover.count())
          .c_str());
  return d;
}

std::string resolve_database_url(const ConnectionOptions& options) {
  if (!options.database_url.empty() && !options.config_file.empty()) {
    throw UsageError("--database-url and --config exclude each other");
  }
  auto takeover = eventstore::kDefaultCrashTakeover;
  std::string url = options.database_url;
  if (url.empty() && !options.config_file.empty()) {
    const auto file = from_config(options.config_file);
    url = file.url;
    if (file.crash_takeover_ms) {
      takeover = crash_takeover(*file.crash_takeover_ms,
                                options.config_file + ": [database] crash_takeover_ms");
    }
  }
  if (url.empty()) {
    if (const char* from_env = std::getenv(kUrlVariable); from_env != nullptr) url = from_env;
  }
  if (url.empty()) {
    throw UsageError(fmt::format("no database: pass --database-url URL or --config FILE, or set {}",
                                 kUrlVariable));
  }
  if (options.crash_takeover_ms) {
    takeover = crash_takeover(*options.crash_takeover_ms, "--crash-takeover-ms");
  }
  try {
    return eventstore::with_dead_peer_timeouts_from_environment(url, takeover);
  } catch (const std::invalid_argument& e) {
    // libpq would refuse it too, at the first connection.
    throw UsageError(fmt::format("bad database URL: {}", e.what()));
  }
}

}  // namespace switchboard::tools::admin
