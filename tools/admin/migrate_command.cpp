#include <fmt/format.h>

#include <chrono>
#include <cstdio>

#include "eventstore/migrator.hpp"
#include "tools/admin/commands.hpp"

namespace switchboard::tools::admin {

namespace po = boost::program_options;

int run_migrate(const Invocation& invocation) {
  const po::options_description options;
  if (invocation.help) {
    print_help("migrate",
               "Applies the migrations compiled into this binary that the database has not seen,\n"
               "in order, each in its own transaction, and records each with its SHA-256 in\n"
               "schema_migrations. An applied migration whose text changed stops the run.",
               options);
    return kExitOk;
  }
  parse_arguments(invocation.args, options);
  const auto url = resolve_database_url(invocation.connection);

  const auto started = std::chrono::steady_clock::now();
  const auto outcome = eventstore::migrate(url, [](std::string_view name) {
    fmt::print("applying {}\n", name);
    // A failing migration's name must be on screen before its error is.
    std::fflush(stdout);
  });
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  if (outcome.applied.empty()) {
    fmt::print("nothing to apply: all {} migrations already applied\n", outcome.already_applied);
  } else {
    fmt::print("applied {} migration(s) in {:.2f} s; {} were already applied\n",
               outcome.applied.size(), took.count(), outcome.already_applied);
  }
  return kExitOk;
}

}  // namespace switchboard::tools::admin
