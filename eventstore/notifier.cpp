#include "eventstore/notifier.hpp"

#include <spdlog/spdlog.h>

#include <functional>
#include <memory>
#include <pqxx/pqxx>

namespace switchboard::eventstore {
namespace {

inline constexpr const char* kChannel = "switchboard_events";
// How often the listening thread looks up from its wait for a stop.
constexpr long kSliceMicroseconds = 200'000;
constexpr std::chrono::milliseconds kReconnectPause{500};

class Receiver : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& c, std::function<void()> fired)
      : pqxx::notification_receiver(c, kChannel), fired_(std::move(fired)) {}
  void operator()(const std::string&, int) override { fired_(); }

 private:
  std::function<void()> fired_;
};

struct Session {
  Session(const std::string& url, std::function<void()> fired)
      : connection(url), receiver(connection, std::move(fired)) {}
  pqxx::connection connection;
  Receiver receiver;
};

}  // namespace

Notifier::Notifier(std::string url) : url_(std::move(url)), thread_([this] { listen(); }) {}

Notifier::~Notifier() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void Notifier::wake_all() {
  {
    std::lock_guard lock(mutex_);
    ++generation_;
  }
  changed_.notify_all();
}

void Notifier::listen() {
  std::unique_ptr<Session> session;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    try {
      if (!session) {
        session = std::make_unique<Session>(url_, [this] { wake_all(); });
        // Appends while nobody listened notified nobody: readers look once.
        wake_all();
      }
      // Several appends committing together notify once each; they are all taken here.
      session->connection.await_notification(0, kSliceMicroseconds);
    } catch (const std::exception& e) {
      spdlog::debug("notifier: {}", e.what());
      session.reset();
      std::unique_lock lock(mutex_);
      changed_.wait_for(lock, kReconnectPause, [this] { return stopping_; });
    }
  }
}

Notifier::Reader::Reader(Notifier& notifier) : notifier_(notifier) {
  std::lock_guard lock(notifier_.mutex_);
  seen_ = notifier_.generation_;
}

bool Notifier::Reader::wait_for(std::chrono::milliseconds timeout) {
  std::unique_lock lock(notifier_.mutex_);
  const bool woken =
      notifier_.changed_.wait_for(lock, timeout, [this] { return notifier_.generation_ != seen_; });
  seen_ = notifier_.generation_;
  return woken;
}

}  // namespace switchboard::eventstore
