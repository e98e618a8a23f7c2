#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <array>
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
    "  agents disable LOGIN      (ends its open sessions; it keeps its CTI login)\n"
    "  agents enable LOGIN       (refused while another agent holds its CTI login)\n"
    "  agents rebind LOGIN --cti-login CTI   (ends its open sessions; frees the old CTI login)\n"
    "  agents release-login LOGIN   (a disabled agent frees its CTI login for another agent)\n"
    "  agents backfill-claims    (once: claims the CTI logins of agents created before claims)\n"
    "  agents list\n"
    "\n"
    "A CTI login belongs to one agent at a time, from create until rebind or release-login.\n"
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

// Every agent ever registered, oldest first, from the event store's own catalog (not a read
// model, which may lag): of two old agents sharing a CTI login the first registered keeps it.
std::vector<std::string> registered_agents(const std::string& url) {
  pqxx::connection c(url);
  const auto rows = pqxx::read_transaction(c).exec_params(
      "SELECT substr(s.stream_id, length($1) + 2) FROM streams s"
      " JOIN events e ON e.stream_id = s.stream_id AND e.stream_version = 1"
      " WHERE s.category = $1 ORDER BY e.global_position",
      std::string{domain::cti::Agent::category});
  std::vector<std::string> logins;
  for (const auto& r : rows) logins.push_back(r[0].as<std::string>());
  return logins;
}

int backfill_claims(const std::string& url, commands::cti::AgentCommands& agents) {
  const auto report = agents.backfill_claims(registered_agents(url), operator_context());
  for (const auto& claimed : report.claimed) fmt::print("claimed: {}\n", claimed);
  for (const auto& refused : report.refused) fmt::print(stderr, "refused: {}\n", refused);
  fmt::print("{} claimed, {} unchanged, {} refused\n", report.claimed.size(), report.unchanged,
             report.refused.size());
  return report.refused.empty() ? kExitOk : kExitFailed;
}

int list(const std::string& url) {
  pqxx::connection c(url);
  pqxx::read_transaction tx(c);
  const auto rows = tx.exec(
      "SELECT a.login, coalesce(nullif(a.cti_login, ''), '-'), a.enabled,"
      " (SELECT count(*) FROM cti_sessions s"
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
  options.add_options()("cti-login", po::value(&cti_login), "the CTI login (create, rebind)")(
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
  constexpr std::array<std::string_view, 7> kActions{
      "create", "reset-password", "disable",        "enable",
      "rebind", "release-login",  "backfill-claims"};
  if (std::ranges::find(kActions, action) == kActions.end()) {
    throw UsageError(
        "agents needs create, reset-password, disable, enable, rebind, release-login,"
        " backfill-claims or list");
  }
  if (login.empty() && action != "backfill-claims") {
    throw UsageError("agents " + action + " needs a LOGIN");
  }
  if ((action == "create" || action == "rebind") && cti_login.empty()) {
    throw UsageError(action + " needs --cti-login");
  }

  eventstore::EventStore store({.database_url = url, .flushers = 1, .readers = 1});
  commands::cti::AgentCommands agents(store);
  if (action == "backfill-claims") return backfill_claims(url, agents);
  if (action == "release-login") {
    return report(agents.release_login(login, operator_context()),
                  fmt::format("agent {} has no CTI login any more", login));
  }
  if (action == "create") {
    if (password.empty()) password = read_password();
    return report(agents.register_agent(login, cti_login, password, operator_context()),
                  fmt::format("agent {} created (CTI login {})", login, cti_login));
  }
  // Each of these ends the agent's open sessions once it is recorded.
  if (action == "reset-password" || action == "disable" || action == "rebind") {
    commands::CommandOutcome outcome;
    std::string reason;
    std::string done;
    if (action == "reset-password") {
      if (password.empty()) password = read_password();
      outcome = agents.reset_password(login, password, operator_context());
      reason = "password reset";
      done = fmt::format("password of agent {} reset", login);
    } else if (action == "disable") {
      outcome = agents.disable(login, operator_context());
      reason = "agent disabled";
      done = fmt::format("agent {} disabled", login);
    } else {
      outcome = agents.rebind(login, cti_login, operator_context());
      reason = "agent rebound";
      done = fmt::format("agent {} bound to CTI login {}", login, cti_login);
    }
    if (!outcome.ok()) return report(outcome, {});
    commands::cti::SessionCommands sessions(store, agents);
    return end_open_sessions(url, sessions, login, reason, done);
  }
  return report(agents.enable(login, operator_context()), fmt::format("agent {} enabled", login));
}

}  // namespace switchboard::tools::admin
