#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace switchboard::eventstore {

// Wakes readers when events are appended (PostgreSQL NOTIFY from append_batch). One LISTEN session
// serves every reader of a runner (projections/runner.hpp): PostgreSQL signals each listening
// session on every commit that notifies, which cost ~16 µs of its CPU per inbound message with a
// session per projection. A lost wake-up costs only latency: readers also poll at the timeout given
// to wait_for.
class Notifier {
 public:
  // Starts listening at once, on a thread of its own; reconnects by itself.
  explicit Notifier(std::string url);
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // One reader's place in the notifications: a wait returns at once for appends notified since
  // the reader's previous wait (or its creation), so nothing notified between two waits is missed.
  class Reader {
   public:
    explicit Reader(Notifier& notifier);
    // True when woken by an append (or wake_all), false on timeout.
    bool wait_for(std::chrono::milliseconds timeout);

   private:
    Notifier& notifier_;
    std::uint64_t seen_;
  };

  // Wakes every reader as an append would: they look again (at shutdown, for their stop flag).
  void wake_all();

 private:
  void listen();

  const std::string url_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::uint64_t generation_ = 0;  // notifications (and reconnections) so far
  bool stopping_ = false;
  std::thread thread_;  // last: started once the rest is
};

}  // namespace switchboard::eventstore
