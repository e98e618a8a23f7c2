#pragma once

#include <chrono>
#include <memory>
#include <string>

namespace switchboard::eventstore {

// Wakes readers when events are appended (PostgreSQL NOTIFY from append_batch). A lost wake-up
// costs only latency: readers also poll at the timeout given to wait_for.
class Notifier {
 public:
  explicit Notifier(std::string url);
  ~Notifier();

  // True when woken by an append, false on timeout or a dropped connection (reconnected next call).
  bool wait_for(std::chrono::milliseconds timeout);

 private:
  struct State;
  std::string url_;
  std::unique_ptr<State> state_;
};

}  // namespace switchboard::eventstore
