#include "projections/stream_catalog/stream_catalog_projection.hpp"

#include <map>
#include <pqxx/pqxx>

namespace switchboard::projections {

void StreamCatalogProjection::apply(pqxx::transaction_base& tx,
                                    std::span<const eventstore::RecordedEvent> events) {
  struct Change {
    std::int64_t version = 0;
    std::int64_t count = 0;
    std::string type;
    std::string recorded_at;
  };
  // One upsert per stream per batch, not per event.
  std::map<std::string, Change> changes;
  for (const auto& e : events) {
    auto& c = changes[e.stream_id];
    c.version = std::max(c.version, e.stream_version);
    c.count += 1;
    c.type = e.type;
    c.recorded_at = e.recorded_at;
  }
  for (const auto& [stream, c] : changes) {
    const auto dash = stream.find('-');
    tx.exec_params(
        "INSERT INTO stream_catalog AS s (stream_id, category, version, event_count,"
        " last_event_type, last_recorded_at) VALUES ($1, $2, $3, $4, $5, $6::timestamptz)"
        " ON CONFLICT (stream_id) DO UPDATE SET version = greatest(s.version, excluded.version),"
        " event_count = s.event_count + excluded.event_count,"
        " last_event_type = excluded.last_event_type, last_recorded_at = excluded.last_recorded_at",
        stream, stream.substr(0, dash), c.version, c.count, c.type, c.recorded_at);
  }
}

}  // namespace switchboard::projections
