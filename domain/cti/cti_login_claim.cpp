#include "domain/cti/cti_login_claim.hpp"

#include "domain/cti/json_fields.hpp"

namespace switchboard::domain::cti {

void CtiLoginClaim::apply(State& state, std::string_view type, std::string_view data) {
  if (type == cti_login_claim_events::claimed) {
    const auto d = parse_object(data);
    state.agent_login = d ? string_field(*d, "agentLogin").value_or("") : "";
  } else if (type == cti_login_claim_events::released) {
    state.agent_login.clear();
  }
}

Decision decide(const CtiLoginClaim::State& state, const ClaimCtiLogin& c) {
  // The same agent again: a retried registration passes.
  if (state.agent_login == c.agent_login) return std::vector<NewEvent>{};
  if (!state.agent_login.empty()) {
    return reject(Rejection::Kind::conflict,
                  "this CTI login is already bound to agent " + state.agent_login, "cti_login");
  }
  return std::vector{
      string_event(cti_login_claim_events::claimed, {{"agentLogin", c.agent_login}})};
}

Decision decide(const CtiLoginClaim::State& state, const ReleaseCtiLogin& c) {
  if (state.agent_login.empty() || state.agent_login != c.agent_login) {
    return std::vector<NewEvent>{};
  }
  return std::vector{
      string_event(cti_login_claim_events::released, {{"agentLogin", c.agent_login}})};
}

}  // namespace switchboard::domain::cti
