#include "projections/stream_catalog/stream_catalog_projection.hpp"

#include <map>
#include <pqxx/pqxx>

#include "eventstore/sql_array.hpp"

namespace switchboard::projections {

void StreamCatalogProjection::apply(pqxx::transaction_base& tx,
                                    std::span<const eventstore::RecordedEvent> events) {
  struct Change {
    std::int64_t version = 0;
    std::int64_t count = 0;
    std::string type;
    std::string recorded_at;
  };
  // Folded per stream: ON CONFLICT may touch each row only once per statement.
  std::map<std::string, Change> changes;
  for (const auto& e : events) {
    auto& c = changes[e.stream_id];
    c.version = std::max(c.version, e.stream_version);
    c.count += 1;
    c.type = e.type;
    c.recorded_at = e.recorded_at;
  }
  std::vector<std::string> streams, categories, versions, counts, types, times;
  for (const auto& [stream, c] : changes) {
    streams.push_back(stream);
    categories.push_back(stream.substr(0, stream.find('-')));
    versions.push_back(std::to_string(c.version));
    counts.push_back(std::to_string(c.count));
    types.push_back(c.type);
    times.push_back(c.recorded_at);
  }
  // One statement for the whole batch.
  tx.exec_params(
      "INSERT INTO stream_catalog AS s (stream_id, category, version, event_count,"
      " last_event_type, last_recorded_at)"
      " SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::text[],"
      " $6::timestamptz[])"
      " ON CONFLICT (stream_id) DO UPDATE SET version = greatest(s.version, excluded.version),"
      " event_count = s.event_count + excluded.event_count,"
      " last_event_type = excluded.last_event_type, last_recorded_at = excluded.last_recorded_at",
      eventstore::sql_array(streams), eventstore::sql_array(categories),
      eventstore::sql_array(versions), eventstore::sql_array(counts), eventstore::sql_array(types),
      eventstore::sql_array(times));
}

}  // namespace switchboard::projections
