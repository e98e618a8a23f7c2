#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

#include "commands/cti/agent_commands.hpp"
#include "domain/cti/session.hpp"

namespace switchboard::commands::cti {

struct AuthenticatedAgent {
  std::string session_id;  // SHA-256 of the token, hex: the session's stream id
  std::string agent_login;
  std::string cti_login;
  std::int64_t expires_at = 0;
};

struct LoginResult {
  enum class Status { ok, bad_credentials, not_recorded };
  Status status = Status::not_recorded;
  std::string token;  // shown to the agent once; only its hash is stored
  AuthenticatedAgent agent;
  // Why no session was recorded (not_recorded): unavailable while the store cannot be reached,
  // busy, or failed with its error.
  CommandOutcome outcome;
};

// What a session token is worth now: its agent (valid), nothing (invalid: unknown, ended,
// expired, or its agent disabled or rebound), or no verdict because the store cannot be reached
// (unavailable, with the error).
struct Authentication {
  enum class Status { valid, invalid, unavailable };
  Status status = Status::invalid;
  AuthenticatedAgent agent;
  std::string error;
};

// Agent sessions: login (password check, then a session stream keyed by the token's hash),
// logout, and the check every CTI request starts with.
class SessionCommands {
 public:
  // `recheck` bounds how long a verdict of authenticate() is reused: a logout, an expiry or a
  // disabled agent takes effect within it on every node (at once for a logout on this node).
  SessionCommands(eventstore::EventStore& store, AgentCommands& agents,
                  std::chrono::seconds lifetime = std::chrono::hours{12},
                  std::chrono::milliseconds recheck = std::chrono::seconds{1})
      : agents_(agents), pipeline_(store, 100'000), lifetime_(lifetime), recheck_(recheck) {}

  LoginResult login(const std::string& login, const std::string& password,
                    const CommandContext& context);
  // Ends the session; `reason` is recorded with it ("logout", the CTI API refusing the login).
  CommandOutcome logout(const AuthenticatedAgent& agent, const std::string& reason,
                        const CommandContext& context);
  // The same by the session's id, for sessions ended from outside (a disabled agent, a password
  // reset); nodes learn of it within `recheck`.
  CommandOutcome end(const std::string& session_id, const std::string& reason,
                     const CommandContext& context);

  // The session's agent while the session is open, unexpired and its agent enabled.
  Authentication authenticate(const std::string& token);

  static std::string session_id(const std::string& token);

 private:
  AgentCommands& agents_;
  Pipeline<domain::cti::Session> pipeline_;
  std::chrono::seconds lifetime_;
  std::chrono::milliseconds recheck_;

  struct Verdict {
    Authentication verdict;
    std::chrono::steady_clock::time_point until;
  };
  std::mutex verdicts_mutex_;
  std::unordered_map<std::string, Verdict> verdicts_;  // by session id
};

}  // namespace switchboard::commands::cti
