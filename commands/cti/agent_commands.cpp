#include "commands/cti/agent_commands.hpp"

#include "commands/cti/password.hpp"

namespace switchboard::commands::cti {

namespace cti = domain::cti;

namespace {

// A command refused on its own terms (before a stream id is made of a login it names).
std::optional<CommandOutcome> refusal(domain::Decision decision) {
  if (!std::holds_alternative<domain::Rejection>(decision)) return std::nullopt;
  CommandOutcome outcome;
  outcome.status = CommandOutcome::Status::rejected;
  outcome.rejection = std::get<domain::Rejection>(std::move(decision));
  return outcome;
}

// Claims carry no idempotency key of their own: a retry finds the CTI login claimed by the same
// agent and passes.
CommandContext without_key(const CommandContext& context) {
  CommandContext c = context;
  c.idempotency_key.reset();
  return c;
}

}  // namespace

CommandOutcome AgentCommands::claim(const std::string& cti_login, const std::string& login,
                                    const CommandContext& context) {
  return claims_.execute(cti_login, without_key(context), "claim " + cti_login + " " + login,
                         [&](const auto& s) { return cti::decide(s, cti::ClaimCtiLogin{login}); });
}

CommandOutcome AgentCommands::release(const std::string& cti_login, const std::string& login,
                                      const CommandContext& context) {
  return claims_.execute(
      cti_login, without_key(context), "release " + cti_login + " " + login,
      [&](const auto& s) { return cti::decide(s, cti::ReleaseCtiLogin{login}); });
}

CommandOutcome AgentCommands::settle(CommandOutcome outcome, const std::string& login,
                                     const std::string& cti_login, const CommandContext& context) {
  const auto agent = load(login);
  // A claim for a login the agent has just moved off is given back below, with its line.
  if (!cti_login.empty() && agent.cti_login != cti_login && agent.previous_cti_login != cti_login) {
    release(cti_login, login, context);
  }
  if (!agent.previous_cti_login.empty() && agent.previous_cti_login != agent.cti_login) {
    // Only while it still holds the line: once another agent has it, the events are that one's.
    const auto holder = claims_.load(claims_.stream_id(agent.previous_cti_login))->state;
    if (holder.agent_login == login) {
      lines_.acknowledge_all(agent.previous_cti_login, context);
      release(agent.previous_cti_login, login, context);
    }
  }
  return outcome;
}

CommandOutcome AgentCommands::register_agent(const std::string& login, const std::string& cti_login,
                                             const std::string& password,
                                             const CommandContext& context) {
  const cti::RegisterAgent command{login, cti_login,
                                   password.empty() ? std::string{} : hash_password(password)};
  if (auto refused = refusal(cti::decide(cti::AgentState{}, command))) return *refused;
  const auto claimed = claim(cti_login, login, context);
  if (!claimed.ok()) return claimed;
  // An agent that already existed keeps its CTI login, so a claim for another one goes back.
  return settle(
      pipeline_.execute(login, context, "register " + login + " " + cti_login,
                        [&](const cti::AgentState& s) { return cti::decide(s, command); }),
      login, cti_login, context);
}

CommandOutcome AgentCommands::reset_password(const std::string& login, const std::string& password,
                                             const CommandContext& context) {
  const cti::ResetAgentPassword command{password.empty() ? std::string{} : hash_password(password)};
  return pipeline_.execute(login, context, "reset " + login,
                           [&](const cti::AgentState& s) { return cti::decide(s, command); });
}

CommandOutcome AgentCommands::disable(const std::string& login, const CommandContext& context) {
  return pipeline_.execute(login, context, "disable " + login, [](const cti::AgentState& s) {
    return cti::decide(s, cti::DisableAgent{});
  });
}

CommandOutcome AgentCommands::enable(const std::string& login, const CommandContext& context) {
  const auto cti_login = load(login).cti_login;
  if (!cti_login.empty()) {
    const auto claimed = claim(cti_login, login, context);
    if (!claimed.ok()) return claimed;
  }
  // Rebound or released meanwhile: the claim just taken goes back.
  return settle(pipeline_.execute(
                    login, context, "enable " + login,
                    [](const cti::AgentState& s) { return cti::decide(s, cti::EnableAgent{}); }),
                login, cti_login, context);
}

CommandOutcome AgentCommands::rebind(const std::string& login, const std::string& cti_login,
                                     const CommandContext& context) {
  const cti::RebindAgent command{cti_login};
  if (auto refused = refusal(cti::decide(cti::AgentState{.exists = true}, command))) {
    return *refused;
  }
  const auto claimed = claim(cti_login, login, context);
  if (!claimed.ok()) return claimed;
  // An agent registered before CTI logins were claimed holds no claim on its line: claimed now,
  // as the backfill would, settle() acknowledges what it left unread there and gives the line
  // back. A refusal means another agent holds the line, whose events are then that agent's.
  if (const auto old = load(login).cti_login; !old.empty() && old != cti_login) {
    if (const auto taken = claim(old, login, context);
        !taken.ok() && taken.status != CommandOutcome::Status::rejected) {
      return settle(taken, login, cti_login, context);
    }
  }
  return settle(
      pipeline_.execute(login, context, "rebind " + login + " " + cti_login,
                        [&](const cti::AgentState& s) { return cti::decide(s, command); }),
      login, cti_login, context);
}

CommandOutcome AgentCommands::release_login(const std::string& login,
                                            const CommandContext& context) {
  return settle(pipeline_.execute(login, context, "release-login " + login,
                                  [](const cti::AgentState& s) {
                                    return cti::decide(s, cti::ReleaseAgentLogin{});
                                  }),
                login, {}, context);
}

ClaimBackfill AgentCommands::backfill_claims(const std::vector<std::string>& logins,
                                             const CommandContext& context) {
  ClaimBackfill report;
  for (const auto& login : logins) {
    const auto agent = load(login);
    if (!agent.exists || !agent.enabled || agent.cti_login.empty()) {
      ++report.unchanged;
      continue;
    }
    const auto outcome = claim(agent.cti_login, login, context);
    const auto pair = login + " " + agent.cti_login;
    if (!outcome.ok()) {
      report.refused.push_back(pair + ": " + outcome.rejection.message + outcome.error);
    } else if (outcome.wrote()) {
      report.claimed.push_back(pair);
    } else {
      ++report.unchanged;
    }
  }
  return report;
}

domain::cti::AgentState AgentCommands::load(const std::string& login) {
  if (!cti::valid_login(login)) return {};
  return pipeline_.load(pipeline_.stream_id(login))->state;
}

}  // namespace switchboard::commands::cti
