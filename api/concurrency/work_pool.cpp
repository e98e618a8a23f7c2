#include "api/concurrency/work_pool.hpp"

#include <spdlog/spdlog.h>

#include <latch>

namespace switchboard::api::concurrency {

WorkPool::WorkPool(int threads) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
}

WorkPool::~WorkPool() {
  stop();
}

void WorkPool::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  queued_.notify_all();
  for (auto& t : threads_) t.join();
  std::deque<std::function<void()>> late;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    late.swap(jobs_);
  }
  // Destroyed outside the lock: dropping a job may answer a request, which may post again.
}

void WorkPool::post(std::function<void()> job) {
  std::unique_lock lock(mutex_);
  if (closed_) {
    lock.unlock();
    spdlog::debug("work pool: a job came after it stopped; dropped");
    return;  // `job` goes outside the lock: dropping it may answer a request
  }
  jobs_.push_back(std::move(job));
  lock.unlock();
  queued_.notify_one();
}

void WorkPool::run_all(std::vector<std::function<void()>> jobs) {
  std::latch done(static_cast<std::ptrdiff_t>(jobs.size()));
  {
    std::unique_lock lock(mutex_);
    if (closed_) {
      lock.unlock();
      for (auto& job : jobs) job();
      return;
    }
    for (auto& job : jobs) {
      jobs_.push_back([&done, job = std::move(job)] {
        // Counted even when the job throws, or the caller would wait for good.
        struct CountDown {
          std::latch& latch;
          ~CountDown() { latch.count_down(); }
        } count_down{done};
        job();
      });
    }
  }
  queued_.notify_all();
  done.wait();
}

void WorkPool::work() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      queued_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    try {
      job();
    } catch (const std::exception& e) {
      // A job answers its own caller; one that throws has a bug, which must not end the pool.
      spdlog::error("work pool: {}", e.what());
    }
  }
}

}  // namespace switchboard::api::concurrency
