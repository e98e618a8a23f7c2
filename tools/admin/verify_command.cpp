#include <fmt/format.h>

#include <cstdio>

#include "projections/rebuild.hpp"
#include "tools/admin/commands.hpp"
#include "tools/admin/progress_meter.hpp"
#include "tools/admin/projection_lookup.hpp"

namespace switchboard::tools::admin {

namespace po = boost::program_options;

int run_verify(const Invocation& invocation) {
  std::vector<std::string> names;
  po::options_description options;
  options.add_options()("name", po::value(&names));
  po::positional_options_description positional;
  positional.add("name", -1);
  if (invocation.help) {
    print_help("verify [NAME...]",
               "Replays the log into a scratch schema up to each projection's live checkpoint and\n"
               "compares it with the live tables row by row (every projection when no NAME is\n"
               "given). Exit status 1 when any table differs, 0 when all match.\n\nProjections: " +
                   projection_names(),
               {});
    return kExitOk;
  }
  parse_arguments(invocation.args, options, positional);
  const auto selected = find_projections(names);
  const auto url = resolve_database_url(invocation.connection);

  std::size_t differing = 0;
  for (const auto& projection : selected) {
    const auto name = projection->name();
    ProgressMeter meter("verify " + name);
    const auto differences =
        projections::verify(url, *projection, [&](std::uint64_t n) { meter.update(n); });
    if (differences.empty()) {
      fmt::print("{}: matches the log (checked in {:.2f} s)\n", name, meter.elapsed_seconds());
    } else {
      ++differing;
      fmt::print("{}: DIFFERS from the log\n", name);
      for (const auto& d : differences) {
        fmt::print("  table {}: {} row(s) only in the live table, {} row(s) only in the replay\n",
                   d.table, d.only_live, d.only_rebuilt);
      }
    }
    std::fflush(stdout);
  }
  if (differing != 0) {
    fmt::print("{} of {} projection(s) differ; 'projections rebuild NAME' restores one\n",
               differing, selected.size());
    return kExitFailed;
  }
  return kExitOk;
}

}  // namespace switchboard::tools::admin
