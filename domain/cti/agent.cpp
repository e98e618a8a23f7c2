#include "domain/cti/agent.hpp"

#include <algorithm>

#include "domain/cti/json_fields.hpp"

namespace switchboard::domain::cti {
bool valid_login(std::string_view login) {
  return !login.empty() && login.size() <= 64 && std::ranges::all_of(login, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '@' || c == '-';
  });
}

void Agent::apply(State& state, std::string_view type, std::string_view data) {
  const auto d = parse_object(data);
  if (type == agent_events::registered && d) {
    state.exists = true;
    state.enabled = true;
    state.login = string_field(*d, "login").value_or("");
    state.cti_login = string_field(*d, "ctiLogin").value_or("");
    state.password_hash = string_field(*d, "passwordHash").value_or("");
  } else if (type == agent_events::password_reset && d) {
    state.password_hash = string_field(*d, "passwordHash").value_or(state.password_hash);
  } else if (type == agent_events::disabled) {
    state.enabled = false;
  } else if (type == agent_events::enabled) {
    state.enabled = true;
  } else if ((type == agent_events::rebound || type == agent_events::login_released) && d) {
    state.previous_cti_login = string_field(*d, "previousCtiLogin").value_or("");
    state.cti_login = string_field(*d, "ctiLogin").value_or("");
  }
}

Decision decide(const AgentState& state, const RegisterAgent& c) {
  if (!valid_login(c.login)) {
    return reject(Rejection::Kind::invalid, "the login must be 1-64 of A-Z a-z 0-9 . _ @ -",
                  "login");
  }
  if (!valid_login(c.cti_login)) {
    return reject(Rejection::Kind::invalid, "the CTI login must be 1-64 of A-Z a-z 0-9 . _ @ -",
                  "cti_login");
  }
  if (c.password_hash.empty()) {
    return reject(Rejection::Kind::invalid, "a password is required", "password");
  }
  if (state.exists) {
    return reject(Rejection::Kind::conflict, "an agent with this login already exists", "login");
  }
  return std::vector{string_event(
      agent_events::registered,
      {{"login", c.login}, {"ctiLogin", c.cti_login}, {"passwordHash", c.password_hash}})};
}

Decision decide(const AgentState& state, const ResetAgentPassword& c) {
  if (!state.exists) return reject(Rejection::Kind::not_found, "no such agent", "login");
  if (c.password_hash.empty()) {
    return reject(Rejection::Kind::invalid, "a password is required", "password");
  }
  return std::vector{
      string_event(agent_events::password_reset, {{"passwordHash", c.password_hash}})};
}

Decision decide(const AgentState& state, const DisableAgent&) {
  if (!state.exists) return reject(Rejection::Kind::not_found, "no such agent", "login");
  if (!state.enabled) return std::vector<NewEvent>{};
  return std::vector{string_event(agent_events::disabled, {})};
}

Decision decide(const AgentState& state, const EnableAgent&) {
  if (!state.exists) return reject(Rejection::Kind::not_found, "no such agent", "login");
  if (state.enabled) return std::vector<NewEvent>{};
  if (state.cti_login.empty()) {
    return reject(Rejection::Kind::conflict,
                  "the agent has no CTI login since it was released: rebind it first", "cti_login");
  }
  return std::vector{string_event(agent_events::enabled, {})};
}

Decision decide(const AgentState& state, const RebindAgent& c) {
  if (!valid_login(c.cti_login)) {
    return reject(Rejection::Kind::invalid, "the CTI login must be 1-64 of A-Z a-z 0-9 . _ @ -",
                  "cti_login");
  }
  if (!state.exists) return reject(Rejection::Kind::not_found, "no such agent", "login");
  if (state.cti_login == c.cti_login) return std::vector<NewEvent>{};
  return std::vector{string_event(
      agent_events::rebound, {{"ctiLogin", c.cti_login}, {"previousCtiLogin", state.cti_login}})};
}

Decision decide(const AgentState& state, const ReleaseAgentLogin&) {
  if (!state.exists) return reject(Rejection::Kind::not_found, "no such agent", "login");
  // An enabled agent uses its CTI login: taking it away would leave it logged in on a line
  // another agent may be given.
  if (state.enabled) {
    return reject(Rejection::Kind::conflict, "the agent is enabled: disable it first", "login");
  }
  if (state.cti_login.empty()) return std::vector<NewEvent>{};
  return std::vector{
      string_event(agent_events::login_released, {{"previousCtiLogin", state.cti_login}})};
}

}  // namespace switchboard::domain::cti
