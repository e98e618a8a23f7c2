#include "commands/cti/agent_commands.hpp"

#include "commands/cti/password.hpp"

namespace switchboard::commands::cti {

namespace cti = domain::cti;

CommandOutcome AgentCommands::register_agent(const std::string& login, const std::string& cti_login,
                                             const std::string& password,
                                             const CommandContext& context) {
  if (!cti::valid_login(login)) {
    // Refused before a stream id is made of it.
    CommandOutcome outcome;
    outcome.status = CommandOutcome::Status::rejected;
    outcome.rejection = {domain::Rejection::Kind::invalid,
                         "the login must be 1-64 of A-Z a-z 0-9 . _ @ -", "login"};
    return outcome;
  }
  const cti::RegisterAgent command{login, cti_login,
                                   password.empty() ? std::string{} : hash_password(password)};
  return pipeline_.execute(login, context, "register " + login + " " + cti_login,
                           [&](const cti::AgentState& s) { return cti::decide(s, command); });
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
  return pipeline_.load(pipeline_.stream_id(login)).state;
}

}  // namespace switchboard::commands::cti
