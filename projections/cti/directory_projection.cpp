#include "projections/cti/directory_projection.hpp"

#include <pqxx/pqxx>

#include "domain/cti/agent.hpp"
#include "domain/cti/json_fields.hpp"
#include "domain/cti/session.hpp"

namespace switchboard::projections::cti {
namespace {

namespace dc = domain::cti;

std::string id_of(const std::string& stream_id) {
  return stream_id.substr(stream_id.find('-') + 1);
}

}  // namespace

eventstore::EventFilter DirectoryProjection::filter() const {
  return {{std::string{dc::agent_events::registered}, std::string{dc::agent_events::disabled},
           std::string{dc::agent_events::enabled}, std::string{dc::agent_events::password_reset},
           std::string{dc::agent_events::rebound}, std::string{dc::agent_events::login_released},
           std::string{dc::session_events::started}, std::string{dc::session_events::ended}}};
}

void DirectoryProjection::apply(pqxx::transaction_base& tx,
                                std::span<const eventstore::RecordedEvent> events) {
  for (const auto& e : events) {
    if (e.type == dc::agent_events::registered) {
      const auto data = dc::parse_object(e.data);
      if (!data) continue;
      tx.exec_params(
          "INSERT INTO cti_agents (login, cti_login, enabled, registered_at, updated_at)"
          " VALUES ($1, $2, true, $3::timestamptz, $3::timestamptz)"
          " ON CONFLICT (login) DO NOTHING",
          id_of(e.stream_id), dc::string_field(*data, "ctiLogin").value_or(""), e.recorded_at);
    } else if (e.type == dc::agent_events::disabled || e.type == dc::agent_events::enabled ||
               e.type == dc::agent_events::password_reset) {
      tx.exec_params(
          "UPDATE cti_agents SET updated_at = $2::timestamptz,"
          " enabled = CASE $3 WHEN 'disabled' THEN false WHEN 'enabled' THEN true ELSE enabled END"
          " WHERE login = $1",
          id_of(e.stream_id), e.recorded_at,
          std::string{e.type == dc::agent_events::disabled  ? "disabled"
                      : e.type == dc::agent_events::enabled ? "enabled"
                                                            : "reset"});
    } else if (e.type == dc::agent_events::rebound || e.type == dc::agent_events::login_released) {
      const auto data = dc::parse_object(e.data);
      if (!data) continue;
      // Released: no CTI login, shown empty.
      tx.exec_params(
          "UPDATE cti_agents SET cti_login = $2, updated_at = $3::timestamptz WHERE login = $1",
          id_of(e.stream_id), dc::string_field(*data, "ctiLogin").value_or(""), e.recorded_at);
    } else if (e.type == dc::session_events::started) {
      const auto data = dc::parse_object(e.data);
      if (!data) continue;
      tx.exec_params(
          "INSERT INTO cti_sessions (session_id, agent_login, cti_login, started_at, expires_at)"
          " VALUES ($1, $2, $3, $4::timestamptz, to_timestamp($5))"
          " ON CONFLICT (session_id) DO NOTHING",
          id_of(e.stream_id), dc::string_field(*data, "agentLogin").value_or(""),
          dc::string_field(*data, "ctiLogin").value_or(""), e.recorded_at,
          dc::int_field(*data, "expiresAt").value_or(0));
    } else if (e.type == dc::session_events::ended) {
      tx.exec_params("UPDATE cti_sessions SET ended_at = $2::timestamptz WHERE session_id = $1",
                     id_of(e.stream_id), e.recorded_at);
    }
  }
}

}  // namespace switchboard::projections::cti
