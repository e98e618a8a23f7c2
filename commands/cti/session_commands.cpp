#include "commands/cti/session_commands.hpp"

#include <openssl/rand.h>

#include <pqxx/except>

#include "commands/cti/password.hpp"
#include "eventstore/digest.hpp"

namespace switchboard::commands::cti {
namespace {

namespace cti = domain::cti;

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Verified against when the login is unknown, so an unknown login costs as long as a wrong
// password and response times do not tell which logins exist.
const std::string& decoy_hash() {
  static const std::string hash = hash_password("switchboard decoy password");
  return hash;
}

bool plausible_token(const std::string& token) {
  return token.size() == 64 && token.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

std::string SessionCommands::session_id(const std::string& token) {
  return eventstore::sha256_hex(token);
}

LoginResult SessionCommands::login(const std::string& login, const std::string& password,
                                   const CommandContext& context) {
  LoginResult result;
  domain::cti::AgentState agent;
  try {
    agent = agents_.load(login);
  } catch (const pqxx::broken_connection& e) {
    result.outcome = unreachable(e);
    return result;
  }
  const bool password_ok =
      verify_password(password, agent.exists ? agent.password_hash : decoy_hash());
  if (!agent.exists || !agent.enabled || !password_ok) {
    result.status = LoginResult::Status::bad_credentials;
    return result;
  }
  unsigned char random[32];
  if (RAND_bytes(random, sizeof random) != 1) {
    result.outcome.error = "no random bytes for a session token";
    return result;
  }
  result.token = eventstore::hex(random, sizeof random);
  const auto now = unix_now();
  const cti::StartSession command{agent.login, agent.cti_login, now, now + lifetime_.count()};
  const auto id = session_id(result.token);
  result.outcome = pipeline_.execute(id, context, "login " + id, [&](const cti::SessionState& s) {
    return cti::decide(s, command);
  });
  if (!result.outcome.ok()) return result;
  result.status = LoginResult::Status::ok;
  result.agent = {id, agent.login, agent.cti_login, command.expires_at};
  return result;
}

CommandOutcome SessionCommands::logout(const AuthenticatedAgent& agent, const std::string& reason,
                                       const CommandContext& context) {
  return end(agent.session_id, reason, context);
}

CommandOutcome SessionCommands::end(const std::string& session_id, const std::string& reason,
                                    const CommandContext& context) {
  {
    std::lock_guard lock(verdicts_mutex_);
    verdicts_.erase(session_id);
  }
  return pipeline_.execute(
      session_id, context, "logout " + session_id,
      [&](const cti::SessionState& s) { return cti::decide(s, cti::EndSession{reason}); });
}

Authentication SessionCommands::authenticate(const std::string& token) {
  if (!plausible_token(token)) return {};
  const auto id = session_id(token);
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(verdicts_mutex_);
    if (const auto it = verdicts_.find(id); it != verdicts_.end() && it->second.until > now) {
      return it->second.verdict;
    }
  }
  Authentication verdict;
  try {
    const auto session = pipeline_.load(pipeline_.stream_id(id))->state;
    // A session belongs to the CTI login its agent had at login: once the agent is rebound it no
    // longer reads or controls that line.
    const auto agent = agents_.load(session.agent_login);
    if (session.active_at(unix_now()) && agent.enabled && agent.cti_login == session.cti_login) {
      verdict = {Authentication::Status::valid,
                 {id, session.agent_login, session.cti_login, session.expires_at},
                 {}};
    }
  } catch (const pqxx::broken_connection& e) {
    // No verdict to remember: the next request asks the store again.
    return {Authentication::Status::unavailable, {}, unreachable(e).error};
  }
  std::lock_guard lock(verdicts_mutex_);
  // Bounded: stale verdicts go when the map grows, unknown tokens included.
  if (verdicts_.size() > 200'000)
    std::erase_if(verdicts_, [now](const auto& v) { return v.second.until <= now; });
  verdicts_[id] = {verdict, now + recheck_};
  return verdict;
}

}  // namespace switchboard::commands::cti
