#pragma once

// The public API's error log (seed 000: "log every error of the public API, keep at least 30
// days"). Routes report their error answers; a writer thread stores them in batches, so a burst
// of bad requests costs the callers nothing but a queue push, and purges old rows once an hour.
// Paths no route took are kept only for a token the log can name; a token the writer found to
// be nobody's is remembered for a minute (at most 10,000 of them), so a client probing random
// paths with it costs neither a database lookup nor a place in the queue.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "api/http/types.hpp"

namespace switchboard::eventstore {
class ConnectionPool;
}

namespace switchboard::api::errors {

// The statement a batch of reports is stored with ($1 to $6: the reports' methods, routes,
// statuses, problems, request ids and token hashes as arrays; $7: http::kUnmatchedRoute). It
// answers the token hashes of the unmatched paths it did not keep, nobody's. Tests check its plan.
extern const char* const kStoreReports;

class ErrorLog {
 public:
  ErrorLog(eventstore::ConnectionPool& pool, int retention_days);
  ~ErrorLog();
  ErrorLog(const ErrorLog&) = delete;
  ErrorLog& operator=(const ErrorLog&) = delete;

  void start();
  // Stores what it has queued, then stops; what the database does not take then (it is not
  // waited for) is counted in dropped() and logged.
  void stop();

  // What routes hand to RouteOptions::on_error.
  http::ErrorObserver observer();
  void record(http::ErrorReport report);

  // Rows older than the retention; returns how many were deleted.
  long purge();

  // Reports not stored: the queue was full, or the database could not take them at stop.
  std::size_t dropped() const;

 private:
  struct Queued {
    http::ErrorReport report;
    std::string token_sha256;  // of the bearer token; empty without one
  };

  void run(std::stop_token stop);
  // Moves up to one batch from the queue (under the lock).
  void take_batch(std::deque<Queued>& batch);
  void store_at_stop(std::deque<Queued>& batch);
  bool flush(std::deque<Queued>& batch);
  void remember_unknown(const std::vector<std::string>& token_hashes);

  eventstore::ConnectionPool& pool_;
  int retention_days_;
  mutable std::mutex mutex_;
  std::condition_variable_any wake_;
  std::deque<Queued> queue_;
  std::size_t dropped_ = 0;
  // Token hashes no connection has, until when that is trusted.
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> unknown_tokens_;
  std::jthread writer_;
};

}  // namespace switchboard::api::errors
