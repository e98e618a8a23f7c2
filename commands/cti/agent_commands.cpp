#include "commands/cti/agent_commands.hpp"

#include "commands/cti/password.hpp"

namespace switchboard::commands::cti {

namespace cti = domain::cti;

CommandOutcome AgentCommands::register_agent(const std::string& login, const std::string& cti_login,
                                             const std::string& password,
                                             const CommandContext& context) {
  const cti::RegisterAgent command{login, cti_login,
                                   password.empty() ? std::string{} : hash_password(password)};
  // Refused before a stream id is made of either login, and before the CTI login is claimed.
  if (auto d = cti::decide(cti::AgentState{}, command);
      std::holds_alternative<domain::Rejection>(d)) {
    CommandOutcome outcome;
    outcome.status = CommandOutcome::Status::rejected;
    outcome.rejection = std::get<domain::Rejection>(std::move(d));
    return outcome;
  }
  // The claim carries no idempotency key of its own: a retry finds the CTI login claimed by this
  // agent and passes.
  CommandContext claim_context = context;
  claim_context.idempotency_key.reset();
  const auto claimed =
      claims_.execute(cti_login, claim_context, "claim " + cti_login + " " + login,
                      [&](const auto& s) { return cti::decide(s, cti::ClaimCtiLogin{login}); });
  if (!claimed.ok()) return claimed;
  auto outcome =
      pipeline_.execute(login, context, "register " + login + " " + cti_login,
                        [&](const cti::AgentState& s) { return cti::decide(s, command); });
  // The agent already existed: its CTI login never changes, so a claim for another one is this
  // refused registration's and goes back (one for its own CTI login is still its).
  if (outcome.status == CommandOutcome::Status::rejected && load(login).cti_login != cti_login) {
    claims_.execute(cti_login, claim_context, "release " + cti_login + " " + login,
                    [&](const auto& s) { return cti::decide(s, cti::ReleaseCtiLogin{login}); });
  }
  return outcome;
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
  return pipeline_.execute(login, context, "enable " + login, [](const cti::AgentState& s) {
    return cti::decide(s, cti::EnableAgent{});
  });
}

domain::cti::AgentState AgentCommands::load(const std::string& login) {
  if (!cti::valid_login(login)) return {};
  return pipeline_.load(pipeline_.stream_id(login))->state;
}

}  // namespace switchboard::commands::cti
