#pragma once

#include <atomic>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "eventstore/types.hpp"

namespace switchboard::eventstore {

class ConnectionPool;
class GroupCommitAppender;

struct StoreOptions {
  std::string database_url;
  // Connections that flush append batches in parallel; each batch is one transaction. Commits
  // that NOTIFY take turns in PostgreSQL, so more flushers make smaller batches, not more of
  // them: two keep one batch filling while the other commits (docs/benchmarks.md).
  int flushers = 2;
  // Requests in one batch at the most (distinct streams).
  int max_batch = 512;
  // A batch takes no more requests once it holds this many events. A bulk request's appends are
  // queued together; past this they go out as several batches, which the flushers send in
  // parallel, instead of one transaction's work on one connection.
  int max_batch_events = 256;
  // Connections kept for reads.
  int readers = 4;
};

struct StoreStats {
  std::uint64_t appends = 0;  // append requests answered ok or duplicate
  std::uint64_t events_appended = 0;
  std::uint64_t conflicts = 0;
  std::uint64_t failures = 0;
  std::uint64_t batches = 0;  // transactions committed by the flushers
};

class EventStore {
 public:
  explicit EventStore(StoreOptions options);
  ~EventStore();
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  // Concurrent appends share transactions (group commit). The callback runs on a flusher
  // thread: keep it short.
  void append(AppendRequest request, std::function<void(AppendResult)> done);
  std::future<AppendResult> append_async(AppendRequest request);
  // Several streams' appends queued at once: they share a transaction unless there are more
  // than a batch holds.
  std::vector<std::future<AppendResult>> append_all(std::vector<AppendRequest> requests);
  AppendResult append(AppendRequest request);

  // Events of one stream with version >= from_version, in version order.
  std::vector<RecordedEvent> read_stream(const std::string& stream_id,
                                         std::int64_t from_version = 1,
                                         std::size_t max_count = 10'000);

  // Events of several streams, each after its own version, stream by stream: at most
  // `max_count` in all (the last stream may then be cut short). The states of many aggregates
  // in one round trip.
  std::vector<RecordedEvent> read_streams(const std::vector<std::string>& stream_ids,
                                          const std::vector<std::int64_t>& after,
                                          std::size_t max_count);

  // Events after `after` in the global order, only those whose transactions are older than every
  // transaction still running.
  std::vector<RecordedEvent> read_all(const Position& after, std::size_t max_count);
  // The same page, handing out only what `filter` wants (see reader.hpp).
  LogPage read_page(const Position& after, std::size_t max_count, const EventFilter& filter);

  // What an idempotency key was used for, if it was; lets a retried command answer with its
  // original result before deciding anything.
  struct IdempotencyRecord {
    std::string request_hash;
    AppendResult result;
  };
  std::optional<IdempotencyRecord> find_idempotency_key(const std::string& key);

  // A stream's state as an aggregate saved it at `version` (derived data: losing one costs only
  // a longer read).
  struct Snapshot {
    std::int64_t version = 0;
    std::string format;
    std::string state;
  };
  std::optional<Snapshot> read_snapshot(const std::string& stream_id);
  // Keeps the newer of this one and the one stored (several nodes may save the same stream).
  void save_snapshot(const std::string& stream_id, const Snapshot& snapshot);

  // The position of the newest event a reader may see now.
  Position head();
  // The newest committed event, whether readers may see it yet or not.
  Position committed_head();

  StoreStats stats() const;
  const StoreOptions& options() const { return options_; }

 private:
  StoreOptions options_;
  std::unique_ptr<ConnectionPool> readers_;
  std::unique_ptr<GroupCommitAppender> appender_;
};

}  // namespace switchboard::eventstore
