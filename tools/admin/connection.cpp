#include "tools/admin/connection.hpp"

#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <cstdlib>
#include <fstream>

#include "tools/admin/command_line.hpp"

namespace switchboard::tools::admin {
namespace {

namespace po = boost::program_options;

constexpr const char* kUrlVariable = "SWITCHBOARD_DATABASE_URL";

// Reads only the two settings we need; the server's loader (api/config) checks the rest, and
// the admin tool must not refuse a file because the server grew a setting.
std::string url_from_config(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw UsageError(fmt::format("cannot read config file '{}'", path));
  po::options_description settings;
  auto add = settings.add_options();
  add("database.admin_url", po::value<std::string>());
  add("database.url", po::value<std::string>());
  po::variables_map values;
  try {
    po::store(po::parse_config_file(file, settings, true), values);
  } catch (const po::error& e) {
    throw UsageError(fmt::format("{}: {}", path, e.what()));
  }
  for (const char* key : {"database.admin_url", "database.url"}) {
    if (values.count(key) != 0 && !values[key].as<std::string>().empty()) {
      return values[key].as<std::string>();
    }
  }
  throw UsageError(fmt::format("{}: neither [database] admin_url nor [database] url is set", path));
}

}  // namespace

po::options_description connection_options(ConnectionOptions& into) {
  po::options_description d("Connection options (before or after the command)");
  auto add = d.add_options();
  add("database-url", po::value(&into.database_url)->value_name("URL"),
      "owner role's PostgreSQL URL [$SWITCHBOARD_DATABASE_URL]");
  add("config", po::value(&into.config_file)->value_name("FILE"),
      "server INI file: [database] admin_url, else url");
  return d;
}

std::string resolve_database_url(const ConnectionOptions& options) {
  if (!options.database_url.empty() && !options.config_file.empty()) {
    throw UsageError("--database-url and --config exclude each other");
  }
  if (!options.database_url.empty()) return options.database_url;
  if (!options.config_file.empty()) return url_from_config(options.config_file);
  if (const char* url = std::getenv(kUrlVariable); url != nullptr && *url != '\0') return url;
  throw UsageError(fmt::format("no database: pass --database-url URL or --config FILE, or set {}",
                               kUrlVariable));
}

}  // namespace switchboard::tools::admin
