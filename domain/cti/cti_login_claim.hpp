#pragma once

// A CTI login serves one agent: the event cache and its acknowledgements are per CTI login, so two
// agents sharing one would read (and acknowledge away) each other's events. Registering an agent
// first claims its CTI login in stream "ctilogin-<login>"; the append's expected version lets only
// one of two concurrent registrations win.

#include <string>
#include <string_view>

#include "domain/decision.hpp"

namespace switchboard::domain::cti {

namespace cti_login_claim_events {
inline constexpr std::string_view claimed = "CtiLoginClaimed";
// A claim whose registration was refused (the agent existed with another CTI login) goes back.
inline constexpr std::string_view released = "CtiLoginReleased";
}  // namespace cti_login_claim_events

struct CtiLoginClaim {
  struct State {
    std::string agent_login;  // empty while unclaimed
  };
  static constexpr std::string_view category = "ctilogin";
  static void apply(State& state, std::string_view type, std::string_view data);
};

struct ClaimCtiLogin {
  std::string agent_login;
};
struct ReleaseCtiLogin {
  std::string agent_login;  // only this agent's claim is released
};

Decision decide(const CtiLoginClaim::State& state, const ClaimCtiLogin& command);
Decision decide(const CtiLoginClaim::State& state, const ReleaseCtiLogin& command);

}  // namespace switchboard::domain::cti
