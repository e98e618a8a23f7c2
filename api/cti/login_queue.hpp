#pragma once

// Logins waiting for their password check, on threads of their own: a check costs ~50 ms of CPU
// and 16 MiB (scrypt), and a burst of logins must not hold up every long-poll and command.
//
// A burst is served no faster than the workers hash. So the queue takes a login only if it can
// start within `max_wait` and refuses the rest at once, saying when to ask again, rather than
// holding requests until their clients give up; and a login whose client has gone by its turn is
// skipped: hashing for nobody only makes the logins behind it later.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>

#include "api/concurrency/work_pool.hpp"

namespace switchboard::api::cti {

struct LoginQueueSettings {
  int workers = 4;
  // The longest a login may wait for a worker.
  std::chrono::milliseconds max_wait{10'000};
};

// Whether a login that finds `pending` logins queued or running may queue: it starts once the
// workers finished the full rounds ahead of it, at worst (pending / workers) times `login_time`,
// and must within `max_wait`. A free worker always takes it. A refused one is told the seconds
// until the queue would take it (at least 1).
struct Admission {
  bool admitted = true;
  std::chrono::seconds retry_after{0};
};
Admission admit(std::size_t pending, int workers, std::chrono::microseconds login_time,
                std::chrono::milliseconds max_wait);

struct LoginQueueStats {
  std::uint64_t served = 0;     // run: their passwords were checked
  std::uint64_t refused = 0;    // the queue was full
  std::uint64_t abandoned = 0;  // skipped: their clients had gone
  std::size_t waiting = 0;
  std::size_t running = 0;
  std::chrono::microseconds login_time{0};  // what admissions go by
};

class LoginQueue {
 public:
  struct Login {
    // Asked when the login's turn comes: true when nobody waits for its answer any more.
    std::function<bool()> abandoned;
    // The password check and what follows; how long it holds a worker is measured.
    std::function<void()> run;
    // Instead of `run` for an abandoned login: answers without the work.
    std::function<void()> skip;
  };

  // `login_time`: how long a login holds a worker until logins measure it (a hash timed at start).
  LoginQueue(LoginQueueSettings settings, std::chrono::microseconds login_time);

  // Queues the login; when it is refused (nothing queued), the seconds to ask again after.
  std::optional<std::chrono::seconds> post(Login login);
  LoginQueueStats stats() const;
  // As WorkPool::stop.
  void stop() { pool_.stop(); }

 private:
  void run(Login& login);
  void finished(std::optional<std::chrono::steady_clock::time_point> started);

  const LoginQueueSettings settings_;
  mutable std::mutex mutex_;
  LoginQueueStats stats_;
  concurrency::WorkPool pool_;  // last: its threads go before what they use
};

}  // namespace switchboard::api::cti
