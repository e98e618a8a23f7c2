#pragma once

#include <boost/program_options/options_description.hpp>
#include <string>

namespace switchboard::tools::admin {

// Where the owner's database URL comes from, in order: --database-url, --config FILE
// ([database] admin_url, else url), the SWITCHBOARD_DATABASE_URL environment variable.
struct ConnectionOptions {
  std::string database_url;
  std::string config_file;
};

// --database-url and --config, stored into `into`.
boost::program_options::options_description connection_options(ConnectionOptions& into);

// The URL to connect with; a UsageError when none is given or the config file does not name one.
std::string resolve_database_url(const ConnectionOptions& options);

}  // namespace switchboard::tools::admin
