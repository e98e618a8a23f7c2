#include "eventstore/notifier.hpp"

#include <spdlog/spdlog.h>

#include <pqxx/pqxx>
#include <thread>

namespace switchboard::eventstore {

inline constexpr const char* kChannel = "switchboard_events";

struct Notifier::State {
  class Receiver : public pqxx::notification_receiver {
   public:
    Receiver(pqxx::connection_base& c, bool& fired)
        : pqxx::notification_receiver(c, kChannel), fired_(fired) {}
    void operator()(const std::string&, int) override { fired_ = true; }

   private:
    bool& fired_;
  };

  explicit State(const std::string& url) : connection(url), receiver(connection, fired) {}

  pqxx::connection connection;
  bool fired = false;
  Receiver receiver;
};

Notifier::Notifier(std::string url) : url_(std::move(url)) {}

Notifier::~Notifier() = default;

bool Notifier::wait_for(std::chrono::milliseconds timeout) {
  try {
    if (!state_) state_ = std::make_unique<State>(url_);
    state_->fired = false;
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(timeout).count();
    state_->connection.await_notification(us / 1'000'000, us % 1'000'000);
    // Several appends committing together notify once each; take them all at once.
    state_->connection.get_notifs();
    return state_->fired;
  } catch (const std::exception& e) {
    spdlog::debug("notifier: {}", e.what());
    state_.reset();
    std::this_thread::sleep_for(std::min(timeout, std::chrono::milliseconds(500)));
    return false;
  }
}

}  // namespace switchboard::eventstore
