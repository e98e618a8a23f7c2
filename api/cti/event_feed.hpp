#pragma once

// Long-poll delivery of the cti_event_cache projection. One thread per node LISTENs on the
// projection's channel; a waiting GET /api/v1/events is answered as soon as a batch for its login
// commits, on whichever node the batch was projected, with nothing when its wait ends, or with
// `stopped` when the feed stops first.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "api/listen/listening_thread.hpp"

namespace switchboard::api::cti {

struct FeedResult {
  // unavailable: the database could not be read until the wait ended; stopped: the feed stopped
  // (the server is shutting down) before the wait ended, or is not running; failed: the read
  // itself went wrong.
  enum class Status { events, empty, unavailable, stopped, failed };
  Status status = Status::failed;
  std::string body;         // {"events":[...],"cursor":n} for events
  std::int64_t cursor = 0;  // seq of the last event in body
  std::string error;
};

class EventFeed {
 public:
  explicit EventFeed(std::string database_url, std::size_t max_batch = 200);
  ~EventFeed();
  EventFeed(const EventFeed&) = delete;
  EventFeed& operator=(const EventFeed&) = delete;

  void start();
  void stop();

  // Events of `cti_login` after `after` (and after what it acknowledged), waiting up to `wait`
  // (minus up to a fifth, at random) for the first. `done` is called once, from the feed's thread
  // (or, for the waits `stop` ends, from the thread that stops the feed).
  void poll(std::string cti_login, std::int64_t after, std::chrono::milliseconds wait,
            std::function<void(FeedResult)> done);

  std::size_t waiting() const;

 private:
  struct Waiter {
    std::string login;
    std::int64_t after = 0;
    std::chrono::steady_clock::time_point deadline;
    std::function<void(FeedResult)> done;
  };
  class Parked;
  class Loop;

  mutable std::mutex mutex_;
  std::vector<Waiter> arrivals_;  // registered, not yet looked at by the feed's thread
  std::size_t parked_ = 0;
  bool running_ = false;
  std::unique_ptr<Loop> loop_;  // the feed thread's own state
  listen::ListeningThread thread_;
};

}  // namespace switchboard::api::cti
