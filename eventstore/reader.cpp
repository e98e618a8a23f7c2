#include "eventstore/reader.hpp"

#include <pqxx/pqxx>

#include "eventstore/sql_array.hpp"

namespace switchboard::eventstore {
namespace {

// Output columns are named like the table's (tx_id::text is "tx_id"), and ORDER BY prefers
// output names: every ORDER BY below names e.<column> so xid8 sorts as a number, not as text.
constexpr const char* kEventColumns =
    "epoch, tx_id::text, global_position, stream_id, stream_version, event_id::text, "
    "event_type, data::text, metadata::text, "
    "to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";

RecordedEvent to_event(const pqxx::row& row) {
  RecordedEvent e;
  e.position.epoch = row[0].as<std::int32_t>();
  e.position.tx_id = row[1].as<std::uint64_t>();
  e.position.global_position = row[2].as<std::int64_t>();
  e.stream_id = row[3].c_str();
  e.stream_version = row[4].as<std::int64_t>();
  e.event_id = row[5].c_str();
  e.type = row[6].c_str();
  e.data = row[7].c_str();
  e.metadata = row[8].c_str();
  e.recorded_at = row[9].c_str();
  return e;
}

}  // namespace

std::vector<RecordedEvent> read_all(pqxx::transaction_base& tx, const Position& after,
                                    std::size_t max_count, const std::vector<std::string>& types) {
  const auto rows = tx.exec_params(
      std::string("SELECT ") + kEventColumns +
          " FROM events e"
          " WHERE (e.epoch, e.tx_id, e.global_position) > ($1, $2::text::xid8, $3)"
          "   AND e.tx_id < pg_snapshot_xmin(pg_current_snapshot())"
          "   AND ($5::text[] IS NULL OR e.event_type = ANY ($5::text[]))"
          " ORDER BY e.epoch, e.tx_id, e.global_position LIMIT $4",
      after.epoch, std::to_string(after.tx_id), after.global_position,
      static_cast<std::int64_t>(max_count),
      types.empty() ? std::optional<std::string>{} : std::optional{sql_array(types)});
  std::vector<RecordedEvent> events;
  events.reserve(rows.size());
  for (const auto& row : rows) events.push_back(to_event(row));
  return events;
}

std::vector<RecordedEvent> read_stream(pqxx::transaction_base& tx, const std::string& stream_id,
                                       std::int64_t from_version, std::size_t max_count) {
  const auto rows = tx.exec_params(std::string("SELECT ") + kEventColumns +
                                       " FROM events e WHERE e.stream_id = $1 AND "
                                       "e.stream_version >= $2 ORDER BY e.stream_version LIMIT $3",
                                   stream_id, from_version, static_cast<std::int64_t>(max_count));
  std::vector<RecordedEvent> events;
  events.reserve(rows.size());
  for (const auto& row : rows) events.push_back(to_event(row));
  return events;
}

Position head(pqxx::transaction_base& tx) {
  const auto rows = tx.exec(
      "SELECT e.epoch, e.tx_id::text, e.global_position FROM events e"
      " WHERE e.tx_id < pg_snapshot_xmin(pg_current_snapshot())"
      " ORDER BY e.epoch DESC, e.tx_id DESC, e.global_position DESC LIMIT 1");
  if (rows.empty()) return Position::start();
  return Position{rows[0][0].as<std::int32_t>(), rows[0][1].as<std::uint64_t>(),
                  rows[0][2].as<std::int64_t>()};
}

Position committed_head(pqxx::transaction_base& tx) {
  const auto rows = tx.exec(
      "SELECT e.epoch, e.tx_id::text, e.global_position FROM events e"
      " ORDER BY e.epoch DESC, e.tx_id DESC, e.global_position DESC LIMIT 1");
  if (rows.empty()) return Position::start();
  return Position{rows[0][0].as<std::int32_t>(), rows[0][1].as<std::uint64_t>(),
                  rows[0][2].as<std::int64_t>()};
}

}  // namespace switchboard::eventstore
