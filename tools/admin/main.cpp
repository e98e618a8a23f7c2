// switchboard-admin: operators' tool for migrations, projections and the audit trail.
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>

#include "tools/admin/commands.hpp"

namespace switchboard::tools::admin {
namespace {

namespace po = boost::program_options;

struct Command {
  const char* name;
  int (*run)(const Invocation&);
};

constexpr std::array kCommands{
    Command{"migrate", run_migrate}, Command{"projections", run_projections},
    Command{"verify", run_verify},   Command{"audit", run_audit},
    Command{"tokens", run_tokens},   Command{"agents", run_agents},
};

constexpr const char* kOverview =
    "Operates a Switchboard database as its owner role.\n"
    "\n"
    "Commands:\n"
    "  migrate                 apply the pending migrations compiled into this binary\n"
    "  projections status      checkpoint, lag and owner of every projection and reactor\n"
    "  projections rebuild N   rebuild projection N from the log and swap it in\n"
    "  verify [N...]           compare read models with a replay of the log\n"
    "  audit                   event history by tenant, stream or correlation id\n"
    "  tokens issue|revoke     service tokens for the marketplace and administrators\n"
    "  agents create|...       CTI middleware agents: create, reset-password, disable, enable,\n"
    "                          rebind, release-login, backfill-claims, list\n"
    "\n"
    "Run 'switchboard-admin COMMAND --help' for a command's options.\n"
    "Exit status: 0 success, 1 failure (or verify found differences), 2 bad arguments.";

// Connection options and --help may stand anywhere on the line; the rest after the command's
// name is the command's to parse.
struct CommandLine {
  std::string command;
  Invocation invocation;
};

CommandLine split(int argc, char** argv) {
  CommandLine line;
  auto options = connection_options(line.invocation.connection);
  options.add_options()("help,h", po::bool_switch(&line.invocation.help), "show help");
  po::options_description hidden;
  auto add = hidden.add_options();
  add("command", po::value(&line.command));
  add("args", po::value<std::vector<std::string>>());
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("command", 1).add("args", -1);
  try {
    const auto parsed = po::command_line_parser(argc, argv)
                            .options(all)
                            .positional(positional)
                            .style(parse_style())
                            .allow_unregistered()
                            .run();
    po::variables_map values;
    po::store(parsed, values);
    po::notify(values);
    bool command_seen = false;
    for (const auto& o : parsed.options) {
      const bool positional_token = o.position_key != -1;
      if (positional_token && !command_seen) {
        command_seen = true;
        continue;
      }
      if (positional_token || o.unregistered) {
        line.invocation.args.insert(line.invocation.args.end(), o.original_tokens.begin(),
                                    o.original_tokens.end());
      }
    }
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return line;
}

void configure_logging() {
  // stdout carries results (tables, JSON lines); logs and progress go to stderr.
  auto logger = spdlog::stderr_color_mt("switchboard-admin");
  logger->set_pattern("[%T] %^%l%$: %v");
  spdlog::set_default_logger(logger);
}

int run(int argc, char** argv) {
  std::string help_hint = "switchboard-admin --help";
  try {
    auto line = split(argc, argv);
    if (line.command.empty()) {
      if (line.invocation.help) {
        print_help("[connection options] COMMAND [options]", kOverview, {});
        return kExitOk;
      }
      throw UsageError("no command given");
    }
    const auto found = std::find_if(kCommands.begin(), kCommands.end(),
                                    [&](const Command& c) { return line.command == c.name; });
    if (found == kCommands.end()) {
      // Listed from the table, so a new command is never missing from the hint.
      std::string names;
      for (const auto& c : kCommands) names += (names.empty() ? "" : ", ") + std::string(c.name);
      throw UsageError(fmt::format("unknown command '{}'; commands: {}", line.command, names));
    }
    help_hint = fmt::format("switchboard-admin {} --help", line.command);
    return found->run(line.invocation);
  } catch (const UsageError& e) {
    fmt::print(stderr, "switchboard-admin: {}\nTry '{}'.\n", e.what(), help_hint);
    return kExitUsage;
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return kExitFailed;
  }
}

}  // namespace
}  // namespace switchboard::tools::admin

int main(int argc, char** argv) {
  switchboard::tools::admin::configure_logging();
  return switchboard::tools::admin::run(argc, argv);
}
