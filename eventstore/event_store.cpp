#include "eventstore/event_store.hpp"

#include <pqxx/pqxx>

#include "eventstore/connection_pool.hpp"
#include "eventstore/group_commit_appender.hpp"
#include "eventstore/reader.hpp"

namespace switchboard::eventstore {

const char* to_string(AppendStatus status) {
  switch (status) {
    case AppendStatus::ok:
      return "ok";
    case AppendStatus::duplicate:
      return "duplicate";
    case AppendStatus::conflict:
      return "conflict";
    case AppendStatus::idempotency_mismatch:
      return "idempotency_mismatch";
    case AppendStatus::duplicate_event_id:
      return "duplicate_event_id";
    case AppendStatus::unavailable:
      return "unavailable";
    case AppendStatus::failed:
      return "failed";
  }
  return "failed";
}

EventStore::EventStore(StoreOptions options)
    : options_(std::move(options)),
      // Every statement of the readers is an index lookup whose plan does not depend on its
      // parameters. Left to choose, PostgreSQL planned the projections' page read (prepared)
      // anew for each call, a custom plan costing more than the read itself (70 µs a page,
      // docs/benchmarks.md); its generic plan is the same scan of the read-order index.
      readers_(std::make_unique<ConnectionPool>(
          options_.database_url, options_.readers,
          ConnectionPool::Settings{{"plan_cache_mode", "force_generic_plan"}})),
      appender_(std::make_unique<GroupCommitAppender>(options_.database_url, options_.flushers,
                                                      options_.max_batch,
                                                      options_.max_batch_events)) {}

EventStore::~EventStore() = default;

void EventStore::append(AppendRequest request, std::function<void(AppendResult)> done) {
  appender_->submit(std::move(request), std::move(done));
}

std::future<AppendResult> EventStore::append_async(AppendRequest request) {
  std::vector<AppendRequest> one;
  one.push_back(std::move(request));
  return std::move(append_all(std::move(one)).front());
}

std::vector<std::future<AppendResult>> EventStore::append_all(std::vector<AppendRequest> requests) {
  std::vector<std::future<AppendResult>> futures;
  std::vector<GroupCommitAppender::Pending> pending;
  futures.reserve(requests.size());
  pending.reserve(requests.size());
  for (auto& request : requests) {
    auto promise = std::make_shared<std::promise<AppendResult>>();
    futures.push_back(promise->get_future());
    pending.push_back(
        {std::move(request), [promise](AppendResult r) { promise->set_value(std::move(r)); }});
  }
  appender_->submit(std::move(pending));
  return futures;
}

AppendResult EventStore::append(AppendRequest request) {
  return append_async(std::move(request)).get();
}

std::vector<RecordedEvent> EventStore::read_stream(const std::string& stream_id,
                                                   std::int64_t from_version,
                                                   std::size_t max_count) {
  return readers_->with_connection([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    return eventstore::read_stream(tx, stream_id, from_version, max_count);
  });
}

std::vector<RecordedEvent> EventStore::read_streams(const std::vector<std::string>& stream_ids,
                                                    const std::vector<std::int64_t>& after,
                                                    std::size_t max_count) {
  return readers_->with_connection([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    return eventstore::read_streams(tx, stream_ids, after, max_count);
  });
}

std::vector<RecordedEvent> EventStore::read_all(const Position& after, std::size_t max_count) {
  return read_page(after, max_count, {}).events;
}

LogPage EventStore::read_page(const Position& after, std::size_t max_count,
                              const EventFilter& filter) {
  return readers_->with_connection([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    return eventstore::read_page(tx, after, max_count, filter);
  });
}

Position EventStore::head() {
  return readers_->with_connection([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    return eventstore::head(tx);
  });
}

std::optional<EventStore::IdempotencyRecord> EventStore::find_idempotency_key(
    const std::string& key) {
  return readers_->with_connection([&](pqxx::connection& c) -> std::optional<IdempotencyRecord> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_params(
        "SELECT request_hash, stream_version, first_position, last_position"
        " FROM idempotency_keys WHERE key = $1 AND stream_version IS NOT NULL",
        key);
    if (rows.empty()) return std::nullopt;
    IdempotencyRecord r;
    r.request_hash = rows[0][0].c_str();
    r.result.status = AppendStatus::duplicate;
    r.result.stream_version = rows[0][1].as<std::int64_t>();
    r.result.first_position = rows[0][2].as<std::int64_t>();
    r.result.last_position = rows[0][3].as<std::int64_t>();
    return r;
  });
}

std::optional<EventStore::Snapshot> EventStore::read_snapshot(const std::string& stream_id) {
  return readers_->with_connection([&](pqxx::connection& c) -> std::optional<Snapshot> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_params(
        "SELECT version, format, state FROM stream_snapshots WHERE stream_id = $1", stream_id);
    if (rows.empty()) return std::nullopt;
    return Snapshot{rows[0][0].as<std::int64_t>(), rows[0][1].c_str(), rows[0][2].c_str()};
  });
}

void EventStore::save_snapshot(const std::string& stream_id, const Snapshot& snapshot) {
  readers_->with_connection([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    tx.exec_params(
        "INSERT INTO stream_snapshots AS s (stream_id, version, format, state)"
        " VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version,"
        " format = excluded.format, state = excluded.state, taken_at = now()"
        " WHERE s.version < excluded.version OR s.format <> excluded.format",
        stream_id, snapshot.version, snapshot.format, snapshot.state);
  });
}

Position EventStore::committed_head() {
  return readers_->with_connection([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    return eventstore::committed_head(tx);
  });
}

StoreStats EventStore::stats() const {
  return appender_->stats();
}

}  // namespace switchboard::eventstore
