#pragma once

#include <string>
#include <vector>

#include "commands/cti/line_commands.hpp"
#include "commands/pipeline.hpp"
#include "domain/cti/agent.hpp"
#include "domain/cti/cti_login_claim.hpp"

namespace switchboard::commands::cti {

// What backfill_claims() did, agent by agent (logins in the order given).
struct ClaimBackfill {
  std::vector<std::string> claimed;  // "agent cti_login": claimed now
  std::size_t unchanged = 0;  // already held by their agent, or the agent is disabled or unbound
  std::vector<std::string> refused;  // "agent cti_login: why": held by another agent, or failed
};

// Registering, re-keying, disabling, enabling and rebinding agents (the admin CLI's `agents`
// command). An agent's CTI login is claimed in stream ctilogin-<login> before the agent's own
// stream is written, and given back after it, so at every moment at most one agent can use it.
class AgentCommands {
 public:
  explicit AgentCommands(eventstore::EventStore& store)
      : pipeline_(store, 10'000), claims_(store, 10'000), lines_(store) {}

  // The password is hashed here; it never reaches the log. The CTI login is claimed first: one
  // already bound to another agent is refused (field cti_login).
  CommandOutcome register_agent(const std::string& login, const std::string& cti_login,
                                const std::string& password, const CommandContext& context);
  CommandOutcome reset_password(const std::string& login, const std::string& password,
                                const CommandContext& context);
  CommandOutcome disable(const std::string& login, const CommandContext& context);
  // Claims the agent's CTI login again (an agent registered before claims existed may have none):
  // refused (field cti_login) while another agent holds it.
  CommandOutcome enable(const std::string& login, const CommandContext& context);
  // Binds the agent to another CTI login (claimed first) and gives its old one back, with what it
  // left unread there acknowledged; also for an agent from before the claim, whose old line is
  // claimed for it on the way (unless another agent holds it).
  CommandOutcome rebind(const std::string& login, const std::string& cti_login,
                        const CommandContext& context);
  // A disabled agent gives its CTI login back, for another agent to be registered or rebound to;
  // it stays disabled without one until it is rebound.
  CommandOutcome release_login(const std::string& login, const CommandContext& context);
  // The one-off for agents registered before CTI logins were claimed: claims the CTI login of each
  // enabled agent among `logins` that holds none. A second run claims nothing.
  ClaimBackfill backfill_claims(const std::vector<std::string>& logins,
                                const CommandContext& context);

  // The agent as its stream has it now.
  domain::cti::AgentState load(const std::string& login);

 private:
  CommandOutcome claim(const std::string& cti_login, const std::string& login,
                       const CommandContext& context);
  // Gives `cti_login` back if `login` holds it.
  CommandOutcome release(const std::string& cti_login, const std::string& login,
                         const CommandContext& context);
  // After `outcome` on the agent's stream: a claim taken for `cti_login` goes back when the agent
  // did not end up bound to it, and the one it was bound to before goes back when it moved on,
  // with what it left unread on that line acknowledged.
  CommandOutcome settle(CommandOutcome outcome, const std::string& login,
                        const std::string& cti_login, const CommandContext& context);

  Pipeline<domain::cti::Agent> pipeline_;
  Pipeline<domain::cti::CtiLoginClaim> claims_;
  LineCommands lines_;
};

}  // namespace switchboard::commands::cti
