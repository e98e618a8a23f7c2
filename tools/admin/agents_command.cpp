#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <pqxx/pqxx>

#include "commands/cti/agent_commands.hpp"
#include "commands/cti/session_commands.hpp"
#include "eventstore/event_store.hpp"
#include "tools/admin/commands.hpp"

namespace switchboard::tools::admin {

namespace po = boost::program_options;

namespace {

constexpr const char* kAgentsHelp =
    "Manages CTI middleware agents (seed 004). Each agent logs in with its login and password\n"
    "and is bound to exactly one CTI login. Passwords are stored as scrypt hashes.\n"
    "\n"
    "  agents create LOGIN --cti-login CTI [--password P]\n"
    "  agents reset-password LOGIN [--password P]   (ends its open sessions)\n"
    "  agents disable LOGIN      (ends its open sessions)\n"
    "  agents enable LOGIN\n"
    "  agents list\n"
    "\n"
    "Without --password the password is read from standard input (one line; not echoed on a\n"
    "terminal), which keeps it out of the process list and shell history.";

commands::CommandContext operator_context() {
  return {.tenant = {},
          .actor = "operator:switchboard-admin",
          .correlation_id = commands::new_uuid(),
          .causation_id = {},
          .command_id = commands::new_uuid()};
}

std::string read_password() {
  const bool terminal = isatty(STDIN_FILENO) != 0;
  termios saved{};
  if (terminal) {
    fmt::print(stderr, "password: ");
    tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string password;
  std::getline(std::cin, password);
  if (terminal) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    fmt::print(stderr, "\n");
  }
  if (password.empty()) throw UsageError("the password must not be empty");
  return password;
}

int report(const commands::CommandOutcome& outcome, const std::string& done) {
  if (outcome.ok()) {
    fmt::print("{}\n", done);
    return kExitOk;
  }
  fmt::print(stderr, "refused: {}{}\n", outcome.rejection.message, outcome.error);
  return kExitFailed;
}

// Ends the agent's open sessions, as the directory projection lists them, recording `reason` with
// each; the server detaches the CTI login once none is left. Sessions opened after this still need
// the agent enabled and its current password.
int end_open_sessions(const std::string& url, commands::cti::SessionCommands& sessions,
                      const std::string& login, const std::string& reason,
                      const std::string& done) {
  pqxx::connection c(url);
  const auto rows = pqxx::read_transaction(c).exec_params(
      "SELECT session_id FROM cti_sessions"
      " WHERE agent_login = $1 AND ended_at IS NULL AND expires_at > now()",
      login);
  for (const auto& r : rows) {
    const auto outcome = sessions.end(r[0].as<std::string>(), reason, operator_context());
    if (!outcome.ok()) return report(outcome, {});
  }
  fmt::print("{}; {} open session(s) ended\n", done, rows.size());
  return kExitOk;
}

int list(const std::string& url) {
  pqxx::connection c(url);
  pqxx::read_transaction tx(c);
  const auto rows = tx.exec(
      "SELECT a.login, a.cti_login, a.enabled, (SELECT count(*) FROM cti_sessions s"
      " WHERE s.agent_login = a.login AND s.ended_at IS NULL AND s.expires_at > now())"
      " FROM cti_agents a ORDER BY a.login");
  fmt::print("{:<24} {:<24} {:<9} {}\n", "LOGIN", "CTI LOGIN", "ENABLED", "OPEN SESSIONS");
  for (const auto& r : rows) {
    fmt::print("{:<24} {:<24} {:<9} {}\n", r[0].c_str(), r[1].c_str(),
               r[2].as<bool>() ? "yes" : "no", r[3].as<long>());
  }
  return kExitOk;
}

}  // namespace

int run_agents(const Invocation& invocation) {
  std::string action;
  std::string login;
  std::string cti_login;
  std::string password;
  po::options_description options;
  options.add_options()("cti-login", po::value(&cti_login), "the CTI login (create)")(
      "password", po::value(&password), "the password (else read from stdin)");
  po::options_description hidden;
  hidden.add_options()("action", po::value(&action))("login", po::value(&login));
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("action", 1).add("login", 1);
  if (invocation.help) {
    print_help("agents ACTION [LOGIN] [options]", kAgentsHelp, options);
    return kExitOk;
  }
  parse_arguments(invocation.args, all, positional);
  const auto url = resolve_database_url(invocation.connection);
  if (action == "list") return list(url);
  if (action != "create" && action != "reset-password" && action != "disable" &&
      action != "enable") {
    throw UsageError("agents needs create, reset-password, disable, enable or list");
  }
  if (login.empty()) throw UsageError("agents " + action + " needs a LOGIN");
  if (action == "create" && cti_login.empty()) throw UsageError("create needs --cti-login");

  eventstore::EventStore store({.database_url = url, .flushers = 1, .readers = 1});
  commands::cti::AgentCommands agents(store);
  if (action == "create") {
    if (password.empty()) password = read_password();
    return report(agents.register_agent(login, cti_login, password, operator_context()),
                  fmt::format("agent {} created (CTI login {})", login, cti_login));
  }
  if (action == "reset-password" || action == "disable") {
    const bool reset = action == "reset-password";
    if (reset && password.empty()) password = read_password();
    const auto outcome = reset ? agents.reset_password(login, password, operator_context())
                               : agents.disable(login, operator_context());
    if (!outcome.ok()) return report(outcome, {});
    commands::cti::SessionCommands sessions(store, agents);
    return end_open_sessions(url, sessions, login, reset ? "password reset" : "agent disabled",
                             reset ? fmt::format("password of agent {} reset", login)
                                   : fmt::format("agent {} disabled", login));
  }
  return report(agents.enable(login, operator_context()), fmt::format("agent {} enabled", login));
}

}  // namespace switchboard::tools::admin
