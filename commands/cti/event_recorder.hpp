#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "eventstore/event_store.hpp"

namespace switchboard::commands::cti {

// Appends what the CTI API sends to each login's line stream. The CTI API is the authority for
// these facts, so they are appended without an expected version; each login's messages keep
// their arrival order (one append in flight per login) and a failed append is retried with the
// same event ids, so a retry after an unknown outcome is recognised and nothing is lost or doubled
// while the process lives. At stop what is queued gets one more try; what the store cannot take
// then is counted and logged.
class EventRecorder {
 public:
  explicit EventRecorder(eventstore::EventStore& store);
  // Stops; the store must outlive it.
  ~EventRecorder();
  EventRecorder(const EventRecorder&) = delete;
  EventRecorder& operator=(const EventRecorder&) = delete;

  // Thread-safe and non-blocking: the connector's reading thread calls it.
  void record(const std::string& login, std::string message);

  // Blocks until everything recorded so far is in the store (tests, shutdown).
  bool wait_idle(std::chrono::milliseconds timeout);
  // Takes no more messages, gives every queued and failed one a last append and returns once the
  // store has answered each append (it gives up on an unreachable database after its own
  // retries): then nothing holds this object any more. Returns lost().
  std::uint64_t stop();

  std::uint64_t recorded() const;
  std::uint64_t refused() const;
  // Events the store could not take before stop(): not recorded.
  std::uint64_t lost() const;

 private:
  struct Pending {
    std::string login;
    std::vector<eventstore::EventData> events;
  };
  void run();
  std::optional<Pending> prepare(const std::string& login, std::vector<std::string> messages);
  void on_appended(Pending pending, const eventstore::AppendResult& result);

  eventstore::EventStore& store_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, std::vector<std::string>> queued_;  // by login, arrival order
  std::map<std::string, bool> in_flight_;
  std::deque<Pending> retries_;
  std::uint64_t recorded_ = 0;
  std::uint64_t refused_ = 0;
  std::uint64_t lost_ = 0;
  bool stopping_ = false;
  bool stopped_ = false;  // run() has returned: a message now is lost at once
  std::thread thread_;
};

}  // namespace switchboard::commands::cti
