#pragma once

// A contact-centre agent of the CTI middleware: a login with a password hash, bound to exactly one
// CTI login (the operator account the CTI API knows).

#include <string>
#include <string_view>

#include "domain/decision.hpp"

namespace switchboard::domain::cti {

namespace agent_events {
inline constexpr std::string_view registered = "CtiAgentRegistered";
inline constexpr std::string_view password_reset = "CtiAgentPasswordReset";
inline constexpr std::string_view disabled = "CtiAgentDisabled";
inline constexpr std::string_view enabled = "CtiAgentEnabled";
}  // namespace agent_events

struct AgentState {
  bool exists = false;
  bool enabled = false;
  std::string login;
  std::string cti_login;
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

Decision decide(const AgentState& state, const RegisterAgent& command);
Decision decide(const AgentState& state, const ResetAgentPassword& command);
Decision decide(const AgentState& state, const DisableAgent& command);
Decision decide(const AgentState& state, const EnableAgent& command);

}  // namespace switchboard::domain::cti
