#include "api/cache/read_model_watch.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <memory>
#include <pqxx/pqxx>
#include <stdexcept>
#include <vector>

#include "projections/rebuild.hpp"

namespace switchboard::api::cache {
namespace {

std::string key_of(std::string_view channel, std::string_view key) {
  std::string out;
  out.reserve(channel.size() + 1 + key.size());
  out.append(channel).append(1, '\n').append(key);
  return out;
}

constexpr auto kRetry = std::chrono::milliseconds{200};
// Also how often a connection that died quietly is noticed: libpq reads it on every wake-up.
constexpr int kIdlePollMs = 1000;

}  // namespace

struct ReadModelWatch::Receiver : pqxx::notification_receiver {
  Receiver(pqxx::connection_base& c, std::string_view channel, ReadModelWatch& watch)
      : pqxx::notification_receiver(c, std::string(channel)), watch_(watch) {}
  void operator()(const std::string& payload, int) override {
    if (channel() == projections::rebuilt_channel) {
      watch_.drop_all(true);
    } else {
      watch_.changed(channel(), payload);
    }
  }

 private:
  ReadModelWatch& watch_;
};

ReadModelWatch::ReadModelWatch(std::string database_url) : url_(std::move(database_url)) {}

ReadModelWatch::~ReadModelWatch() {
  stop();
}

void ReadModelWatch::start() {
  if (thread_.joinable()) return;
  if (pipe2(wake_pipe_, O_NONBLOCK | O_CLOEXEC) != 0) {
    throw std::runtime_error("read model watch: cannot create its wake-up pipe");
  }
  thread_ = std::thread([this] { run(); });
}

void ReadModelWatch::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  const char byte = 1;
  [[maybe_unused]] const auto ignored = write(wake_pipe_[1], &byte, 1);
  thread_.join();
  close(wake_pipe_[0]);
  close(wake_pipe_[1]);
  drop_all(false);
}

std::uint64_t ReadModelWatch::stamp(std::string_view channel, std::string_view key) const {
  std::lock_guard lock(mutex_);
  if (!listening_) return 0;
  const auto it = changed_.find(key_of(channel, key));
  return it == changed_.end() ? dropped_ : std::max(dropped_, it->second);
}

void ReadModelWatch::changed(std::string_view channel, std::string_view key) {
  std::lock_guard lock(mutex_);
  changed_[key_of(channel, key)] = ++counter_;
}

void ReadModelWatch::drop_all(bool listening) {
  std::lock_guard lock(mutex_);
  dropped_ = ++counter_;
  changed_.clear();
  listening_ = listening;
}

void ReadModelWatch::run() {
  const auto stopping = [this] {
    std::lock_guard lock(mutex_);
    return stopping_;
  };
  while (!stopping()) {
    try {
      pqxx::connection connection(url_);
      std::vector<std::unique_ptr<Receiver>> receivers;
      for (const auto channel :
           {chat_lists, revoked_tokens, std::string_view{projections::rebuilt_channel}}) {
        receivers.push_back(std::make_unique<Receiver>(connection, channel, *this));
      }
      // Listening from here on: whatever was cached before may have missed a notification.
      drop_all(true);
      while (!stopping()) {
        connection.get_notifs();
        pollfd fds[2] = {{wake_pipe_[0], POLLIN, 0}, {connection.sock(), POLLIN, 0}};
        ::poll(fds, 2, kIdlePollMs);
        char drain[64];
        while (read(wake_pipe_[0], drain, sizeof drain) > 0) {
        }
      }
    } catch (const std::exception& e) {
      spdlog::warn("read model watch: {}; cached answers are not used until it listens again",
                   e.what());
    }
    drop_all(false);
    pollfd wake{wake_pipe_[0], POLLIN, 0};
    ::poll(&wake, 1, static_cast<int>(kRetry.count()));
  }
}

}  // namespace switchboard::api::cache
