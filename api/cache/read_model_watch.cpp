#include "api/cache/read_model_watch.hpp"

#include <algorithm>

#include "projections/rebuild.hpp"

namespace switchboard::api::cache {
namespace {

std::string key_of(std::string_view channel, std::string_view key) {
  std::string out;
  out.reserve(channel.size() + 1 + key.size());
  out.append(channel).append(1, '\n').append(key);
  return out;
}

// Also how often a connection that died quietly is noticed: libpq reads it on every wake-up.
constexpr auto kIdlePoll = std::chrono::milliseconds{1000};

}  // namespace

ReadModelWatch::ReadModelWatch(std::string database_url)
    : thread_(std::move(database_url),
              {std::string(chat_lists), std::string(revoked_tokens),
               std::string(projections::rebuilt_channel)},
              "read model watch", *this) {}

ReadModelWatch::~ReadModelWatch() {
  stop();
}

void ReadModelWatch::start() {
  thread_.start();
}

void ReadModelWatch::stop() {
  thread_.stop();
}

std::uint64_t ReadModelWatch::stamp(std::string_view channel, std::string_view key) const {
  std::lock_guard lock(mutex_);
  if (!listening_) return 0;
  const auto it = changed_.find(key_of(channel, key));
  return it == changed_.end() ? dropped_ : std::max(dropped_, it->second);
}

// Listening from here on: whatever was cached before may have missed a notification.
void ReadModelWatch::listening() {
  drop_all(true);
}

// Cached answers are not used until it listens again.
void ReadModelWatch::lost() {
  drop_all(false);
}

void ReadModelWatch::notified(const std::string& channel, const std::string& key) {
  if (channel == projections::rebuilt_channel) return drop_all(true);
  changed(channel, key);
}

void ReadModelWatch::changed(std::string_view channel, std::string_view key) {
  std::lock_guard lock(mutex_);
  changed_[key_of(channel, key)] = ++counter_;
}

listen::Listener::Turn ReadModelWatch::turn(pqxx::connection_base*) {
  return {std::chrono::steady_clock::now() + kIdlePoll};
}

void ReadModelWatch::drop_all(bool listening) {
  std::lock_guard lock(mutex_);
  dropped_ = ++counter_;
  changed_.clear();
  listening_ = listening;
}

}  // namespace switchboard::api::cache
