#include <fmt/format.h>

#include "commands/access/access_commands.hpp"
#include "eventstore/event_store.hpp"
#include "tools/admin/commands.hpp"

namespace switchboard::tools::admin {

namespace po = boost::program_options;

namespace {

commands::CommandContext operator_context() {
  return {.tenant = {},
          .actor = "operator:switchboard-admin",
          .correlation_id = commands::new_uuid(),
          .causation_id = {},
          .command_id = commands::new_uuid()};
}

int issue(const Invocation& invocation, const std::vector<std::string>& args) {
  std::string role;
  std::string label;
  po::options_description options;
  options.add_options()("role", po::value(&role)->required(), "marketplace or admin")(
      "label", po::value(&label)->default_value(""), "who or what the token is for");
  parse_arguments(args, options);
  if (role != "marketplace" && role != "admin") {
    throw UsageError("--role must be marketplace or admin, not '" + role + "'");
  }
  eventstore::EventStore store(
      {.database_url = resolve_database_url(invocation.connection), .flushers = 1, .readers = 1});
  commands::access::AccessCommands tokens(store);
  auto result =
      tokens.issue(domain::access::TokenKind::service, {}, role, label, operator_context());
  if (auto* outcome = std::get_if<commands::CommandOutcome>(&result)) {
    fmt::print(stderr, "could not issue the token: {}{}\n", outcome->rejection.message,
               outcome->error);
    return kExitFailed;
  }
  const auto& issued = std::get<commands::access::IssuedToken>(result);
  // The secret is printed once, alone on stdout, so scripts can capture it.
  fmt::print(stderr, "service token {} ({}) issued; it is shown only now\n", issued.token_id, role);
  fmt::print("{}\n", issued.secret);
  return kExitOk;
}

int revoke(const Invocation& invocation, const std::vector<std::string>& args) {
  std::string token_id;
  po::options_description options;
  options.add_options()("token-id", po::value(&token_id)->required(), "the token to revoke");
  po::positional_options_description positional;
  positional.add("token-id", 1);
  parse_arguments(args, options, positional);
  eventstore::EventStore store(
      {.database_url = resolve_database_url(invocation.connection), .flushers = 1, .readers = 1});
  commands::access::AccessCommands tokens(store);
  const auto outcome = tokens.revoke(token_id, "revoked by an operator", operator_context());
  if (!outcome.ok()) {
    fmt::print(stderr, "could not revoke {}: {}{}\n", token_id, outcome.rejection.message,
               outcome.error);
    return kExitFailed;
  }
  fmt::print("token {} revoked\n", token_id);
  return kExitOk;
}

}  // namespace

int run_tokens(const Invocation& invocation) {
  if (invocation.help || invocation.args.empty()) {
    print_help("tokens issue --role marketplace|admin [--label TEXT] | tokens revoke TOKEN_ID",
               "Issues a service token for the marketplace (internal API) or for administrators\n"
               "(admin API) and prints its secret once on stdout; only its SHA-256 is kept.\n"
               "Revokes a token by id: requests with it get 401 from then on.",
               {});
    return invocation.help ? kExitOk : kExitUsage;
  }
  const std::vector<std::string> rest(invocation.args.begin() + 1, invocation.args.end());
  if (invocation.args[0] == "issue") return issue(invocation, rest);
  if (invocation.args[0] == "revoke") return revoke(invocation, rest);
  throw UsageError("unknown tokens action '" + invocation.args[0] + "' (issue or revoke)");
}

}  // namespace switchboard::tools::admin
