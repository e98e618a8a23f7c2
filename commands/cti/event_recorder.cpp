#include "commands/cti/event_recorder.hpp"

#include <spdlog/spdlog.h>

#include "commands/command_context.hpp"
#include "commands/pipeline.hpp"
#include "domain/cti/line.hpp"

namespace switchboard::commands::cti {
namespace {

namespace cti = domain::cti;

constexpr auto retry_delay = std::chrono::milliseconds{200};

}  // namespace

EventRecorder::EventRecorder(eventstore::EventStore& store)
    : store_(store), thread_([this] { run(); }) {}

EventRecorder::~EventRecorder() {
  stop();
}

std::uint64_t EventRecorder::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  // run() returns once no append is in flight: no flusher holds a callback into this object.
  if (thread_.joinable()) {
    thread_.join();
    std::lock_guard lock(mutex_);
    if (lost_ > 0) {
      spdlog::error("cti: {} CTI event(s) not recorded: the event store could not take them",
                    lost_);
    }
  }
  return lost();
}

void EventRecorder::record(const std::string& login, std::string message) {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) {
      ++lost_;
      return;
    }
    queued_[login].push_back(std::move(message));
  }
  changed_.notify_all();
}

bool EventRecorder::wait_idle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(
      lock, timeout, [this] { return queued_.empty() && in_flight_.empty() && retries_.empty(); });
}

std::uint64_t EventRecorder::recorded() const {
  std::lock_guard lock(mutex_);
  return recorded_;
}

std::uint64_t EventRecorder::refused() const {
  std::lock_guard lock(mutex_);
  return refused_;
}

std::uint64_t EventRecorder::lost() const {
  std::lock_guard lock(mutex_);
  return lost_;
}

std::optional<EventRecorder::Pending> EventRecorder::prepare(const std::string& login,
                                                             std::vector<std::string> messages) {
  const CommandContext context{.tenant = "",
                               .actor = "cti-api",
                               .correlation_id = new_uuid(),
                               .causation_id = "",
                               .command_id = new_uuid(),
                               .idempotency_key = std::nullopt};
  const auto metadata = metadata_json(context);
  Pending pending{login, {}};
  for (auto& message : messages) {
    // One at a time, so a malformed message is dropped alone.
    auto decision = cti::decide(cti::LineState{}, cti::RecordReceived{login, {message}});
    if (auto* r = std::get_if<domain::Rejection>(&decision)) {
      spdlog::warn("cti: dropping a message for {}: {}: {}", login, r->message, message);
      std::lock_guard lock(mutex_);
      ++refused_;
      continue;
    }
    for (auto& e : std::get<std::vector<domain::NewEvent>>(decision)) {
      pending.events.push_back({new_uuid(), std::move(e.type), std::move(e.data), metadata});
    }
  }
  if (pending.events.empty()) return std::nullopt;
  return pending;
}

void EventRecorder::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (!retries_.empty() && !stopping_) {
      // The store was unreachable: give it a moment rather than spin.
      changed_.wait_for(lock, retry_delay, [this] { return stopping_; });
    }
    std::vector<Pending> work;
    while (!retries_.empty()) {
      work.push_back(std::move(retries_.front()));
      retries_.pop_front();
    }
    for (auto it = queued_.begin(); it != queued_.end();) {
      if (in_flight_.contains(it->first)) {
        ++it;
        continue;
      }
      auto login = it->first;
      auto messages = std::move(it->second);
      it = queued_.erase(it);
      // In flight while prepared, too: out of the queue and not yet sent, they would look
      // recorded to wait_idle.
      in_flight_[login] = true;
      lock.unlock();
      auto pending = prepare(login, std::move(messages));
      lock.lock();
      if (pending) {
        work.push_back(std::move(*pending));
      } else {
        in_flight_.erase(login);
      }
    }
    if (work.empty()) {
      // Stopping, everything sent and answered: queued_ is empty, as a login with messages
      // there and none in flight would have been sent.
      if (stopping_ && in_flight_.empty()) {
        stopped_ = true;
        return;
      }
      changed_.notify_all();
      changed_.wait(lock, [this] {
        if ((stopping_ && in_flight_.empty()) || !retries_.empty()) return true;
        for (const auto& [login, messages] : queued_) {
          if (!in_flight_.contains(login)) return true;
        }
        return false;
      });
      continue;
    }
    lock.unlock();
    for (auto& pending : work) {
      eventstore::AppendRequest request;
      request.stream_id = Pipeline<cti::Line>::stream_id(pending.login);
      request.category = std::string{cti::Line::category};
      request.expected = eventstore::ExpectedVersion::any();
      request.events = pending.events;
      store_.append(std::move(request),
                    [this, pending = std::move(pending)](eventstore::AppendResult result) mutable {
                      on_appended(std::move(pending), result);
                    });
    }
    lock.lock();
  }
}

void EventRecorder::on_appended(Pending pending, const eventstore::AppendResult& result) {
  // Notified under the lock: once it is released, stop() may return and this object go.
  std::lock_guard lock(mutex_);
  if (result.succeeded()) {
    recorded_ += pending.events.size();
    in_flight_.erase(pending.login);
  } else if (stopping_) {
    spdlog::warn("cti: recording {} event(s) for {} failed at stop ({})", pending.events.size(),
                 pending.login,
                 result.error.empty() ? eventstore::to_string(result.status) : result.error);
    lost_ += pending.events.size();
    in_flight_.erase(pending.login);
  } else {
    spdlog::warn("cti: recording {} event(s) for {} failed ({}); retrying", pending.events.size(),
                 pending.login,
                 result.error.empty() ? eventstore::to_string(result.status) : result.error);
    // Stays in flight: later messages of this login wait behind the retry.
    retries_.push_back(std::move(pending));
  }
  changed_.notify_all();
}

}  // namespace switchboard::commands::cti
