#pragma once

#include <string>

#include "commands/pipeline.hpp"
#include "domain/cti/agent.hpp"
#include "domain/cti/cti_login_claim.hpp"

namespace switchboard::commands::cti {

// Registering, re-keying, disabling and enabling agents (the admin CLI's `agents` command).
class AgentCommands {
 public:
  explicit AgentCommands(eventstore::EventStore& store)
      : pipeline_(store, 10'000), claims_(store, 10'000) {}

  // The password is hashed here; it never reaches the log. The CTI login is claimed first: one
  // already bound to another agent is refused (field cti_login).
  CommandOutcome register_agent(const std::string& login, const std::string& cti_login,
                                const std::string& password, const CommandContext& context);
  CommandOutcome reset_password(const std::string& login, const std::string& password,
                                const CommandContext& context);
  CommandOutcome disable(const std::string& login, const CommandContext& context);
  CommandOutcome enable(const std::string& login, const CommandContext& context);

  // The agent as its stream has it now.
  domain::cti::AgentState load(const std::string& login);

 private:
  Pipeline<domain::cti::Agent> pipeline_;
  Pipeline<domain::cti::CtiLoginClaim> claims_;
};

}  // namespace switchboard::commands::cti
