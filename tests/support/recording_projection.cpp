#include "tests/support/recording_projection.hpp"

#include <pqxx/pqxx>

namespace switchboard::tests {

void RecordingProjection::create_table(const std::string& admin_url) {
  pqxx::connection c(admin_url);
  pqxx::nontransaction(c).exec(
      "CREATE TABLE seen_events (event_id uuid NOT NULL, stream_id text NOT NULL,"
      " stream_version bigint NOT NULL, global_position bigint NOT NULL)");
}

void RecordingProjection::apply(pqxx::transaction_base& tx,
                                std::span<const eventstore::RecordedEvent> events) {
  for (const auto& e : events) {
    tx.exec_params(
        "INSERT INTO seen_events (event_id, stream_id, stream_version, global_position)"
        " VALUES ($1::uuid, $2, $3, $4)",
        e.event_id, e.stream_id, e.stream_version, e.position.global_position);
  }
}

}  // namespace switchboard::tests
