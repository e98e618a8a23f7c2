#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "eventstore/event_store.hpp"
#include "eventstore/notifier.hpp"
#include "projections/projection.hpp"

namespace switchboard::projections {

struct RunnerOptions {
  std::string database_url;
  std::size_t batch_size = 1000;
  // How long a runner sleeps without a wake-up before it polls the log anyway.
  std::chrono::milliseconds poll_interval{1000};
};

struct ProjectionStatus {
  std::string name;
  eventstore::Position checkpoint;
  std::uint64_t events_applied = 0;
  // Events of the types it reads that a reader may see past the checkpoint.
  std::int64_t events_behind = 0;
  double seconds_behind = 0;  // age of the oldest of those
  std::string last_error;
  // The session holding the projection's ownership lock (projections/ownership.hpp), empty when
  // no node applies it.
  std::string owner;
  // Whether this runner is that session (ProjectionRunner::status only).
  bool owned = false;
};

// Keeps every projection caught up with the log: one thread and one connection each, and one
// LISTEN session for all. Of the nodes running a projection, only the one holding its ownership
// lock applies it (ownership.hpp).
class ProjectionRunner {
 public:
  ProjectionRunner(eventstore::EventStore& store, std::vector<std::shared_ptr<Projection>> list,
                   RunnerOptions options);
  ~ProjectionRunner();

  void start();
  void stop();

  // Checkpoints and lag as the database has them (each call queries it).
  std::vector<ProjectionStatus> status();

  // Blocks until every projection has applied every event committed before the call, on whichever
  // node owns it (the checkpoints are read from the database).
  bool wait_caught_up(std::chrono::milliseconds timeout);

 private:
  struct Worker;
  void run(Worker& worker);
  std::vector<Follower> followers() const;

  // Sleeps that stop() cuts short.
  void pause(std::chrono::milliseconds duration);

  eventstore::EventStore& store_;
  RunnerOptions options_;
  std::vector<std::unique_ptr<Worker>> workers_;
  // One LISTEN session for every worker, while running.
  std::unique_ptr<eventstore::Notifier> notifier_;
  std::atomic<bool> running_{false};
  std::mutex stop_mutex_;
  std::condition_variable stopped_;
};

// Status of projections from any connection (the admin CLI has no runner).
std::vector<ProjectionStatus> projection_status(const std::string& database_url,
                                                const std::vector<Follower>& followers);

}  // namespace switchboard::projections
