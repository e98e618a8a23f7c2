#pragma once

// The public API's error log (seed 000: "log every error of the public API, keep at least 30
// days"). Routes report their error answers; a writer thread stores them in batches, so a burst
// of bad requests costs the callers nothing but a queue push, and purges old rows once an hour.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "api/http/types.hpp"

namespace switchboard::eventstore {
class ConnectionPool;
}

namespace switchboard::api::errors {

class ErrorLog {
 public:
  ErrorLog(eventstore::ConnectionPool& pool, int retention_days);
  ~ErrorLog();
  ErrorLog(const ErrorLog&) = delete;
  ErrorLog& operator=(const ErrorLog&) = delete;

  void start();
  // Stores what it has queued, then stops.
  void stop();

  // What routes hand to RouteOptions::on_error.
  http::ErrorObserver observer();
  void record(http::ErrorReport report);

  // Rows older than the retention; returns how many were deleted.
  long purge();

  std::size_t dropped() const;

 private:
  void run(std::stop_token stop);
  bool flush(std::deque<http::ErrorReport>& batch);

  eventstore::ConnectionPool& pool_;
  int retention_days_;
  mutable std::mutex mutex_;
  std::condition_variable_any wake_;
  std::deque<http::ErrorReport> queue_;
  std::size_t dropped_ = 0;
  std::jthread writer_;
};

}  // namespace switchboard::api::errors
