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
  // Folded per stream: a statement may update each row only once.
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
  // One statement for the whole batch. Known streams are updated, not upserted: an upsert locks
  // the row it then updates, one more WAL record per stream and batch. Only the streams the
  // update did not find are inserted (this projection is the table's only writer). Prepared:
  // planned once per connection instead of once per batch.
  tx.conn().prepare(
      "stream_catalog_apply",
      "WITH c AS (SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[],"
      "   $5::text[], $6::timestamptz[]) AS c(stream_id, category, version, event_count,"
      "   last_event_type, last_recorded_at)),"
      " updated AS (UPDATE stream_catalog s SET version = greatest(s.version, c.version),"
      "   event_count = s.event_count + c.event_count, last_event_type = c.last_event_type,"
      "   last_recorded_at = c.last_recorded_at FROM c WHERE s.stream_id = c.stream_id"
      "   RETURNING s.stream_id)"
      " INSERT INTO stream_catalog (stream_id, category, version, event_count, last_event_type,"
      " last_recorded_at)"
      " SELECT * FROM c WHERE c.stream_id NOT IN (SELECT stream_id FROM updated)");
  tx.exec_prepared("stream_catalog_apply", eventstore::sql_array(streams),
                   eventstore::sql_array(categories), eventstore::sql_array(versions),
                   eventstore::sql_array(counts), eventstore::sql_array(types),
                   eventstore::sql_array(times));
}

}  // namespace switchboard::projections
