#pragma once

// A few threads for blocking work (database round trips, NATS requests) that must not hold the
// HTTP server's or the connector's threads, or start threads per request.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace switchboard::api::concurrency {

class WorkPool {
 public:
  explicit WorkPool(int threads);
  // Runs what was queued, then joins.
  ~WorkPool();
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  void post(std::function<void()> job);
  // Posts every job, each to run on one thread, and returns once all of them have finished.
  void run_all(std::vector<std::function<void()>> jobs);

 private:
  void work();
  std::mutex mutex_;
  std::condition_variable queued_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace switchboard::api::concurrency
