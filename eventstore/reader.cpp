#include "eventstore/reader.hpp"

#include <pqxx/pqxx>

#include "eventstore/sql_array.hpp"
#include "eventstore/sql_time.hpp"

namespace switchboard::eventstore {
namespace {

// Output columns are named like the table's (tx_id::text is "tx_id"), and ORDER BY prefers
// output names: every ORDER BY below names e.<column> so xid8 sorts as a number, not as text.
// `wanted` says whether the caller gets the event, `body` whether its data and metadata are
// rendered (turning jsonb into text is most of a read's cost).
std::string event_columns(const std::string& wanted, const std::string& body) {
  return "e.epoch, e.tx_id::text, e.global_position, e.stream_id, e.stream_version,"
         " e.event_id::text, e.event_type, " +
         wanted + ", CASE WHEN " + body + " THEN e.data::text END, CASE WHEN " + body +
         " THEN e.metadata::text END, " + iso_time("e.recorded_at");
}

RecordedEvent to_event(const pqxx::row& row) {
  RecordedEvent e;
  e.position.epoch = row[0].as<std::int32_t>();
  e.position.tx_id = row[1].as<std::uint64_t>();
  e.position.global_position = row[2].as<std::int64_t>();
  e.stream_id = row[3].c_str();
  e.stream_version = row[4].as<std::int64_t>();
  e.event_id = row[5].c_str();
  e.type = row[6].c_str();
  e.data = row[8].c_str();
  e.metadata = row[9].c_str();
  e.recorded_at = row[10].c_str();
  return e;
}

std::vector<RecordedEvent> to_events(const pqxx::result& rows) {
  std::vector<RecordedEvent> events;
  events.reserve(rows.size());
  for (const auto& row : rows) events.push_back(to_event(row));
  return events;
}

}  // namespace

LogPage read_page(pqxx::transaction_base& tx, const Position& after, std::size_t max_count,
                  const EventFilter& filter) {
  // Only the wanted events leave the server, and the page's last event with the page's size,
  // wanted or not, so the reader knows where it got to: nine readers follow the one log, and
  // most events concern one or two of them. Prepared once per connection, and planned once too
  // (the readers' pool forces generic plans, event_store.cpp): projections read a page after
  // every append batch, and planning this statement cost more than running it.
  static const std::string sql =
      "SELECT " + event_columns("e.wanted", "$6 AND e.wanted") +
      ", e.scanned FROM (SELECT e.*, ($5::text[] IS NULL OR e.event_type = ANY ($5::text[]))"
      "   AS wanted, row_number() OVER page AS n, count(*) OVER () AS scanned"
      "   FROM (SELECT * FROM events e"
      "     WHERE (e.epoch, e.tx_id, e.global_position) > ($1, $2::text::xid8, $3)"
      "       AND e.tx_id < pg_snapshot_xmin(pg_current_snapshot())"
      "     ORDER BY e.epoch, e.tx_id, e.global_position LIMIT $4) e"
      "   WINDOW page AS (ORDER BY e.epoch, e.tx_id, e.global_position)) e"
      " WHERE e.wanted OR e.n = e.scanned"
      " ORDER BY e.epoch, e.tx_id, e.global_position";
  tx.conn().prepare("switchboard_read_page", sql);
  const auto rows = tx.exec_prepared(
      "switchboard_read_page", after.epoch, std::to_string(after.tx_id), after.global_position,
      static_cast<std::int64_t>(max_count),
      filter.types.empty() ? std::optional<std::string>{} : std::optional{sql_array(filter.types)},
      filter.bodies);
  LogPage page;
  page.reached = after;
  if (rows.empty()) return page;
  for (const auto& row : rows) {
    if (row[7].as<bool>()) page.events.push_back(to_event(row));
  }
  const auto last = rows[rows.size() - 1];
  page.reached = {last[0].as<std::int32_t>(), last[1].as<std::uint64_t>(),
                  last[2].as<std::int64_t>()};
  page.scanned = last[11].as<std::size_t>();
  return page;
}

std::vector<RecordedEvent> read_all(pqxx::transaction_base& tx, const Position& after,
                                    std::size_t max_count) {
  return read_page(tx, after, max_count, {}).events;
}

std::vector<RecordedEvent> read_stream(pqxx::transaction_base& tx, const std::string& stream_id,
                                       std::int64_t from_version, std::size_t max_count) {
  const auto rows = tx.exec_params("SELECT " + event_columns("true", "true") +
                                       " FROM events e WHERE e.stream_id = $1 AND "
                                       "e.stream_version >= $2 ORDER BY e.stream_version LIMIT $3",
                                   stream_id, from_version, static_cast<std::int64_t>(max_count));
  return to_events(rows);
}

std::vector<RecordedEvent> read_streams(pqxx::transaction_base& tx,
                                        const std::vector<std::string>& stream_ids,
                                        const std::vector<std::int64_t>& after,
                                        std::size_t max_count) {
  std::vector<std::string> versions;
  versions.reserve(after.size());
  for (const auto v : after) versions.push_back(std::to_string(v));
  // A lateral read per stream, not a join: for a join the planner guesses a third of each
  // stream's events, and past a few dozen streams hashes the whole events table (227 ms for 100
  // streams of a 600,000-event log, against 3 ms for their index scans).
  const auto rows = tx.exec_params(
      "SELECT " + event_columns("true", "true") +
          " FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY k(stream_id, after, n)"
          " CROSS JOIN LATERAL (SELECT * FROM events e WHERE e.stream_id = k.stream_id"
          "   AND e.stream_version > k.after ORDER BY e.stream_version LIMIT $3) e"
          " ORDER BY k.n, e.stream_version LIMIT $3",
      sql_array(stream_ids), sql_array(versions), static_cast<std::int64_t>(max_count));
  return to_events(rows);
}

std::vector<RecordedEvent> read_stream_backward(pqxx::transaction_base& tx,
                                                const std::string& stream_id,
                                                const std::vector<std::string>& types,
                                                std::int64_t before_version,
                                                std::size_t max_count) {
  const auto rows = tx.exec_params(
      "SELECT " + event_columns("true", "true") +
          " FROM events e WHERE e.stream_id = $1 AND e.event_type = ANY ($2::text[])"
          " AND e.stream_version < $3 ORDER BY e.stream_version DESC LIMIT $4",
      stream_id, sql_array(types), before_version, static_cast<std::int64_t>(max_count));
  return to_events(rows);
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
