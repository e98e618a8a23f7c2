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
  ~WorkPool();
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  void post(std::function<void()> job);
  // Posts every job, each to run on one thread, and returns once all of them have finished
  // (on the caller's thread once the pool has stopped).
  void run_all(std::vector<std::function<void()>> jobs);
  // Runs what was queued, then joins; not from a job of this pool. A job posted once the threads
  // are gone is dropped unrun: pools hand work to each other, so one stopped before another may
  // still be given some, and its caller learns of it from the job's destruction (a request held
  // by it is answered 500).
  void stop();

 private:
  void work();
  std::mutex mutex_;
  std::condition_variable queued_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  bool closed_ = false;  // the threads are gone
  std::vector<std::thread> threads_;
};

}  // namespace switchboard::api::concurrency
