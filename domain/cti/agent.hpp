#pragma once

// A contact-centre agent of the CTI middleware: a login with a password hash, bound to exactly one
// CTI login (the operator account the CTI API knows). An operator may move the agent to another CTI
// login, or take its CTI login away once it is disabled so another agent can have it; an agent
// without one stays disabled until it is bound again.

#include <string>
#include <string_view>

#include "domain/decision.hpp"

namespace switchboard::domain::cti {

namespace agent_events {
inline constexpr std::string_view registered = "CtiAgentRegistered";
inline constexpr std::string_view password_reset = "CtiAgentPasswordReset";
inline constexpr std::string_view disabled = "CtiAgentDisabled";
inline constexpr std::string_view enabled = "CtiAgentEnabled";
// {"ctiLogin": the new one, "previousCtiLogin"}
inline constexpr std::string_view rebound = "CtiAgentRebound";
// {"previousCtiLogin"}: the agent has no CTI login any more.
inline constexpr std::string_view login_released = "CtiAgentLoginReleased";
}  // namespace agent_events

struct AgentState {
  bool exists = false;
  bool enabled = false;
  std::string login;
  std::string cti_login;  // empty once released
  // The CTI login it had before the last rebinding or release: its claim is given back after the
  // agent's own event, so a run cut off in between leaves it to be given back by the next one.
  std::string previous_cti_login;
  std::string password_hash;
};

struct Agent {
  using State = AgentState;
  static constexpr std::string_view category = "ctiagent";
  static void apply(State& state, std::string_view type, std::string_view data);
};

// Logins name streams and travel in CTI messages: 1-64 of A-Z a-z 0-9 . _ @ -.
bool valid_login(std::string_view login);

struct RegisterAgent {
  std::string login;
  std::string cti_login;
  std::string password_hash;  // computed by the caller (commands/cti/password.hpp)
};
struct ResetAgentPassword {
  std::string password_hash;
};
struct DisableAgent {};
struct EnableAgent {};
struct RebindAgent {
  std::string cti_login;
};
struct ReleaseAgentLogin {};

Decision decide(const AgentState& state, const RegisterAgent& command);
Decision decide(const AgentState& state, const ResetAgentPassword& command);
Decision decide(const AgentState& state, const DisableAgent& command);
Decision decide(const AgentState& state, const EnableAgent& command);
Decision decide(const AgentState& state, const RebindAgent& command);
Decision decide(const AgentState& state, const ReleaseAgentLogin& command);

}  // namespace switchboard::domain::cti
