#pragma once

// Registers a CTI agent as Switchboard did before CTI logins were claimed: its own stream only,
// no ctilogin-<login> claim. For the claim backfill and the commands that must cope with such
// agents.

#include <stdexcept>
#include <string>

#include "commands/pipeline.hpp"
#include "domain/cti/agent.hpp"
#include "eventstore/event_store.hpp"

namespace switchboard::tests {

inline void register_unclaimed_agent(eventstore::EventStore& store, const std::string& login,
                                     const std::string& cti_login, bool enabled = true) {
  namespace dc = domain::cti;
  commands::Pipeline<dc::Agent> agents(store);
  const commands::CommandContext context{.tenant = {},
                                         .actor = "test:legacy",
                                         .correlation_id = commands::new_uuid(),
                                         .causation_id = {},
                                         .command_id = commands::new_uuid()};
  const auto run = [&](const std::string& what, const auto& command) {
    if (!agents
             .execute(login, context, what + " " + login,
                      [&](const dc::AgentState& s) { return dc::decide(s, command); })
             .ok()) {
      throw std::runtime_error("cannot " + what + " the legacy agent " + login);
    }
  };
  run("register", dc::RegisterAgent{login, cti_login, "scrypt$legacy"});
  if (!enabled) run("disable", dc::DisableAgent{});
}

}  // namespace switchboard::tests
