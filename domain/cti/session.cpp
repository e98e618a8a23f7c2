#include "domain/cti/session.hpp"

#include "domain/cti/json_fields.hpp"

namespace switchboard::domain::cti {

void Session::apply(State& state, std::string_view type, std::string_view data) {
  if (type == session_events::started) {
    const auto d = parse_object(data);
    if (!d) return;
    state.started = true;
    state.agent_login = string_field(*d, "agentLogin").value_or("");
    state.cti_login = string_field(*d, "ctiLogin").value_or("");
    state.expires_at = int_field(*d, "expiresAt").value_or(0);
  } else if (type == session_events::ended) {
    state.ended = true;
  }
}

Decision decide(const SessionState& state, const StartSession& c) {
  if (state.started) {
    return reject(Rejection::Kind::conflict, "this session already exists", "token");
  }
  if (c.expires_at <= c.started_at) {
    return reject(Rejection::Kind::invalid, "a session must end after it starts", "expires_at");
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w{buffer};
  w.StartObject();
  w.Key("agentLogin");
  w.String(c.agent_login.c_str());
  w.Key("ctiLogin");
  w.String(c.cti_login.c_str());
  w.Key("startedAt");
  w.Int64(c.started_at);
  w.Key("expiresAt");
  w.Int64(c.expires_at);
  w.EndObject();
  return std::vector{
      NewEvent{std::string{session_events::started}, {buffer.GetString(), buffer.GetSize()}}};
}

Decision decide(const SessionState& state, const EndSession& c) {
  if (!state.started) return reject(Rejection::Kind::not_found, "no such session", "token");
  if (state.ended) return std::vector<NewEvent>{};
  return std::vector{string_event(session_events::ended, {{"reason", c.reason}})};
}

}  // namespace switchboard::domain::cti
