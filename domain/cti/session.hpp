#pragma once

// An agent's session: opened by a successful login, closed by logout or by time. The stream id is
// the SHA-256 of the session token, so the token itself is never stored.

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/decision.hpp"

namespace switchboard::domain::cti {

namespace session_events {
inline constexpr std::string_view started = "CtiSessionStarted";
inline constexpr std::string_view ended = "CtiSessionEnded";
}  // namespace session_events

struct SessionState {
  bool started = false;
  bool ended = false;
  std::string agent_login;
  std::string cti_login;
  std::int64_t expires_at = 0;  // Unix seconds

  bool active_at(std::int64_t now) const { return started && !ended && now < expires_at; }
};

struct Session {
  using State = SessionState;
  static constexpr std::string_view category = "ctisession";
  static void apply(State& state, std::string_view type, std::string_view data);
};

struct StartSession {
  std::string agent_login;
  std::string cti_login;
  std::int64_t started_at = 0;
  std::int64_t expires_at = 0;
};
struct EndSession {
  std::string reason;  // "logout", "agent disabled", "refused by the CTI API: <its description>"
};

Decision decide(const SessionState& state, const StartSession& command);
Decision decide(const SessionState& state, const EndSession& command);

}  // namespace switchboard::domain::cti
