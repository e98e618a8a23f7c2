#include "eventstore/notifier.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
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
  Receiver(pqxx::connection_base& c, std::function<void(std::string_view)> fired)
      : pqxx::notification_receiver(c, kChannel), fired_(std::move(fired)) {}
  void operator()(const std::string& payload, int) override { fired_(payload); }

 private:
  std::function<void(std::string_view)> fired_;
};

struct Session {
  Session(const std::string& url, std::function<void(std::string_view)> fired)
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
  stopped_.notify_all();
  thread_.join();
}

void Notifier::wake_all() {
  std::lock_guard lock(mutex_);
  for (auto* reader : readers_) reader->wake();
}

// Payloads: "<transaction id>:<type>,<type>..." from append_batch, "@<name>" from wake_readers,
// and empty (from wake_readers, or a batch whose types did not fit) for every reader.
void Notifier::deliver(std::string_view payload) {
  std::lock_guard lock(mutex_);
  if (payload.starts_with('@')) {
    payload.remove_prefix(1);
    for (auto* reader : readers_) {
      if (reader->name_ == payload) reader->wake();
    }
    return;
  }
  const auto colon = payload.find(':');
  std::uint64_t tx_id = 0;
  if (colon == std::string_view::npos ||
      std::from_chars(payload.data(), payload.data() + colon, tx_id).ec != std::errc{}) {
    for (auto* reader : readers_) reader->wake();
    return;
  }
  const auto types = payload.substr(colon + 1);
  for (auto* reader : readers_) {
    if (reader->wants(types)) {
      reader->owed_ = std::max(reader->owed_, tx_id);
      reader->wake();
    } else if (reader->owed_ > reader->read_) {
      reader->wake();
    }
  }
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
        session =
            std::make_unique<Session>(url_, [this](std::string_view payload) { deliver(payload); });
        // Appends while nobody listened notified nobody: readers look once.
        wake_all();
      }
      // Several appends committing together notify once each; they are all taken here.
      session->connection.await_notification(0, kSliceMicroseconds);
    } catch (const std::exception& e) {
      spdlog::debug("notifier: {}", e.what());
      session.reset();
      std::unique_lock lock(mutex_);
      stopped_.wait_for(lock, kReconnectPause, [this] { return stopping_; });
    }
  }
}

Notifier::Reader::Reader(Notifier& notifier, std::string name, std::vector<std::string> types)
    : notifier_(notifier), name_(std::move(name)), types_(std::move(types)) {
  std::sort(types_.begin(), types_.end());
  std::lock_guard lock(notifier_.mutex_);
  notifier_.readers_.push_back(this);
}

Notifier::Reader::~Reader() {
  std::lock_guard lock(notifier_.mutex_);
  std::erase(notifier_.readers_, this);
}

bool Notifier::Reader::wants(std::string_view types) const {
  if (types_.empty()) return true;
  while (!types.empty()) {
    const auto comma = types.find(',');
    const auto type = types.substr(0, comma);
    if (std::binary_search(types_.begin(), types_.end(), type, std::less<>{})) return true;
    if (comma == std::string_view::npos) break;
    types.remove_prefix(comma + 1);
  }
  return false;
}

void Notifier::Reader::wake() {
  ++generation_;
  woken_.notify_one();
}

bool Notifier::Reader::wait_for(std::chrono::milliseconds timeout) {
  std::unique_lock lock(notifier_.mutex_);
  const bool woken = woken_.wait_for(lock, timeout, [this] { return generation_ != seen_; });
  seen_ = generation_;
  return woken;
}

void Notifier::Reader::read_through(std::uint64_t tx_id) {
  std::lock_guard lock(notifier_.mutex_);
  // Not the larger of the two: after a restore into another cluster, transaction ids start lower.
  read_ = tx_id;
}

void wake_readers(pqxx::transaction_base& tx, std::string_view name) {
  tx.exec_params("SELECT pg_notify($1, $2)", kChannel,
                 name.empty() ? std::string() : "@" + std::string(name));
}

}  // namespace switchboard::eventstore
