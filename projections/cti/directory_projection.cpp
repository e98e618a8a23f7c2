#include "projections/cti/directory_projection.hpp"

#include <optional>
#include <pqxx/pqxx>

#include "domain/cti/agent.hpp"
#include "domain/cti/json_fields.hpp"
#include "domain/cti/session.hpp"
#include "projections/dispatch.hpp"

namespace switchboard::projections::cti {
namespace {

namespace dc = domain::cti;

std::string id_of(const std::string& stream_id) {
  return stream_id.substr(stream_id.find('-') + 1);
}

using Handler = void (*)(pqxx::transaction_base&, const eventstore::RecordedEvent&);

void agent_registered(pqxx::transaction_base& tx, const eventstore::RecordedEvent& e) {
  const auto data = dc::parse_object(e.data);
  if (!data) return;
  tx.exec_params(
      "INSERT INTO cti_agents (login, cti_login, enabled, registered_at, updated_at)"
      " VALUES ($1, $2, true, $3::timestamptz, $3::timestamptz)"
      " ON CONFLICT (login) DO NOTHING",
      id_of(e.stream_id), dc::string_field(*data, "ctiLogin").value_or(""), e.recorded_at);
}

// `enabled`: what the agent turns to; none for a password reset (only the row's time moves).
void agent_changed(pqxx::transaction_base& tx, const eventstore::RecordedEvent& e,
                   std::optional<bool> enabled) {
  tx.exec_params(
      "UPDATE cti_agents SET updated_at = $2::timestamptz, enabled = coalesce($3, enabled)"
      " WHERE login = $1",
      id_of(e.stream_id), e.recorded_at, enabled);
}

void agent_disabled(pqxx::transaction_base& tx, const eventstore::RecordedEvent& e) {
  agent_changed(tx, e, false);
}

void agent_enabled(pqxx::transaction_base& tx, const eventstore::RecordedEvent& e) {
  agent_changed(tx, e, true);
}

void agent_password_reset(pqxx::transaction_base& tx, const eventstore::RecordedEvent& e) {
  agent_changed(tx, e, std::nullopt);
}

// Rebound to another CTI login, or released (no CTI login: shown empty).
void agent_login_changed(pqxx::transaction_base& tx, const eventstore::RecordedEvent& e) {
  const auto data = dc::parse_object(e.data);
  if (!data) return;
  tx.exec_params(
      "UPDATE cti_agents SET cti_login = $2, updated_at = $3::timestamptz WHERE login = $1",
      id_of(e.stream_id), dc::string_field(*data, "ctiLogin").value_or(""), e.recorded_at);
}

void session_started(pqxx::transaction_base& tx, const eventstore::RecordedEvent& e) {
  const auto data = dc::parse_object(e.data);
  if (!data) return;
  tx.exec_params(
      "INSERT INTO cti_sessions (session_id, agent_login, cti_login, started_at, expires_at)"
      " VALUES ($1, $2, $3, $4::timestamptz, to_timestamp($5))"
      " ON CONFLICT (session_id) DO NOTHING",
      id_of(e.stream_id), dc::string_field(*data, "agentLogin").value_or(""),
      dc::string_field(*data, "ctiLogin").value_or(""), e.recorded_at,
      dc::int_field(*data, "expiresAt").value_or(0));
}

void session_ended(pqxx::transaction_base& tx, const eventstore::RecordedEvent& e) {
  tx.exec_params("UPDATE cti_sessions SET ended_at = $2::timestamptz WHERE session_id = $1",
                 id_of(e.stream_id), e.recorded_at);
}

constexpr On<Handler> kHandlers[] = {
    {dc::agent_events::registered, agent_registered},
    {dc::agent_events::disabled, agent_disabled},
    {dc::agent_events::enabled, agent_enabled},
    {dc::agent_events::password_reset, agent_password_reset},
    {dc::agent_events::rebound, agent_login_changed},
    {dc::agent_events::login_released, agent_login_changed},
    {dc::session_events::started, session_started},
    {dc::session_events::ended, session_ended},
};

}  // namespace

eventstore::EventFilter DirectoryProjection::filter() const {
  return filter_of(kHandlers);
}

void DirectoryProjection::apply(pqxx::transaction_base& tx,
                                std::span<const eventstore::RecordedEvent> events) {
  for (const auto& e : events) {
    if (const auto* handler = handler_for(kHandlers, e.type)) (*handler)(tx, e);
  }
}

}  // namespace switchboard::projections::cti
