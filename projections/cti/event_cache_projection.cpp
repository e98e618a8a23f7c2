#include "projections/cti/event_cache_projection.hpp"

#include <pqxx/pqxx>
#include <set>

#include "domain/cti/json_fields.hpp"
#include "domain/cti/line.hpp"

namespace switchboard::projections::cti {
namespace {

namespace dc = domain::cti;

constexpr std::string_view line_prefix = "ctiline-";

}  // namespace

eventstore::EventFilter EventCacheProjection::filter() const {
  return {{std::string{dc::line_events::received}, std::string{dc::line_events::acknowledged}}};
}

void EventCacheProjection::apply(pqxx::transaction_base& tx,
                                 std::span<const eventstore::RecordedEvent> events) {
  std::set<std::string> touched;
  for (const auto& e : events) {
    if (!e.stream_id.starts_with(line_prefix)) continue;
    const auto login = e.stream_id.substr(line_prefix.size());
    auto data = dc::parse_object(e.data);
    if (!data) continue;
    // Only the CTI API's messages are the agent's events: the commands and their answers on the
    // same stream (CtiCommandIssued, CtiCommandAnswered) are for the audit trail.
    if (e.type == dc::line_events::received) {
      auto message = data->FindMember("message");
      if (message == data->MemberEnd() || !message->value.IsObject()) continue;
      auto& body = message->value;
      const auto name = dc::string_field(body, "name").value_or("");
      body.RemoveMember("seq");
      body.AddMember("seq", rapidjson::Value{static_cast<std::int64_t>(e.stream_version)},
                     data->GetAllocator());
      tx.exec_params(
          "INSERT INTO cti_event_cache (cti_login, seq, name, body, received_at)"
          " SELECT $1, $2, $3, $4::jsonb, $5::timestamptz"
          " WHERE $2 > coalesce((SELECT acked_seq FROM cti_delivery WHERE cti_login = $1), 0)"
          " ON CONFLICT (cti_login, seq) DO NOTHING",
          login, e.stream_version, name, dc::to_json(body), e.recorded_at);
      touched.insert(login);
    } else if (e.type == dc::line_events::acknowledged) {
      const auto up_to = dc::int_field(*data, "upTo").value_or(0);
      tx.exec_params(
          "INSERT INTO cti_delivery AS d (cti_login, acked_seq) VALUES ($1, $2)"
          " ON CONFLICT (cti_login) DO UPDATE SET acked_seq = greatest(d.acked_seq, $2)",
          login, up_to);
      tx.exec_params("DELETE FROM cti_event_cache WHERE cti_login = $1 AND seq <= $2", login,
                     up_to);
    }
  }
  for (const auto& login : touched) {
    tx.exec_params("SELECT pg_notify($1, $2)", std::string{channel}, login);
  }
}

}  // namespace switchboard::projections::cti
