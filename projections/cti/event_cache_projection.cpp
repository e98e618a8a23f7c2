#include "projections/cti/event_cache_projection.hpp"

#include <pqxx/pqxx>
#include <set>

#include "domain/cti/json_fields.hpp"
#include "domain/cti/line.hpp"
#include "projections/dispatch.hpp"

namespace switchboard::projections::cti {
namespace {

namespace dc = domain::cti;

constexpr std::string_view line_prefix = "ctiline-";

// Returns whether the login has new events for its long-polls.
using Handler = bool (*)(pqxx::transaction_base&, const std::string& login,
                         const eventstore::RecordedEvent&, rapidjson::Document& data);

bool event_received(pqxx::transaction_base& tx, const std::string& login,
                    const eventstore::RecordedEvent& e, rapidjson::Document& data) {
  auto message = data.FindMember("message");
  if (message == data.MemberEnd() || !message->value.IsObject()) return false;
  auto& body = message->value;
  const auto name = dc::string_field(body, "name").value_or("");
  body.RemoveMember("seq");
  body.AddMember("seq", rapidjson::Value{static_cast<std::int64_t>(e.stream_version)},
                 data.GetAllocator());
  tx.exec_params(
      "INSERT INTO cti_event_cache (cti_login, seq, name, body, received_at)"
      " SELECT $1, $2, $3, $4::jsonb, $5::timestamptz"
      " WHERE $2 > coalesce((SELECT acked_seq FROM cti_delivery WHERE cti_login = $1), 0)"
      " ON CONFLICT (cti_login, seq) DO NOTHING",
      login, e.stream_version, name, dc::to_json(body), e.recorded_at);
  return true;
}

bool events_acknowledged(pqxx::transaction_base& tx, const std::string& login,
                         const eventstore::RecordedEvent&, rapidjson::Document& data) {
  const auto up_to = dc::int_field(data, "upTo").value_or(0);
  tx.exec_params(
      "INSERT INTO cti_delivery AS d (cti_login, acked_seq) VALUES ($1, $2)"
      " ON CONFLICT (cti_login) DO UPDATE SET acked_seq = greatest(d.acked_seq, $2)",
      login, up_to);
  tx.exec_params("DELETE FROM cti_event_cache WHERE cti_login = $1 AND seq <= $2", login, up_to);
  return false;
}

// Only the CTI API's messages are the agent's events: the commands and their answers on the same
// stream (CtiCommandIssued, CtiCommandAnswered) are for the audit trail.
constexpr On<Handler> kHandlers[] = {
    {dc::line_events::received, event_received},
    {dc::line_events::acknowledged, events_acknowledged},
};

}  // namespace

eventstore::EventFilter EventCacheProjection::filter() const {
  return filter_of(kHandlers);
}

void EventCacheProjection::apply(pqxx::transaction_base& tx,
                                 std::span<const eventstore::RecordedEvent> events) {
  std::set<std::string> touched;
  for (const auto& e : events) {
    if (!e.stream_id.starts_with(line_prefix)) continue;
    const auto* handler = handler_for(kHandlers, e.type);
    if (handler == nullptr) continue;
    auto data = dc::parse_object(e.data);
    if (!data) continue;
    const auto login = e.stream_id.substr(line_prefix.size());
    if ((*handler)(tx, login, e, *data)) touched.insert(login);
  }
  for (const auto& login : touched) {
    tx.exec_params("SELECT pg_notify($1, $2)", std::string{channel}, login);
  }
}

}  // namespace switchboard::projections::cti
