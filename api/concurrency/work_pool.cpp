#include "api/concurrency/work_pool.hpp"

#include <spdlog/spdlog.h>

#include <latch>

namespace switchboard::api::concurrency {

WorkPool::WorkPool(int threads) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
}

WorkPool::~WorkPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  queued_.notify_all();
  for (auto& t : threads_) t.join();
}

void WorkPool::post(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
  }
  queued_.notify_one();
}

void WorkPool::run_all(std::vector<std::function<void()>> jobs) {
  std::latch done(static_cast<std::ptrdiff_t>(jobs.size()));
  {
    std::lock_guard lock(mutex_);
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
