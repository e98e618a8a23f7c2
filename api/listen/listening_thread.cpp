#include "api/listen/listening_thread.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <pqxx/pqxx>
#include <stdexcept>

namespace switchboard::api::listen {
namespace {

using Clock = std::chrono::steady_clock;

// How soon a lost connection is made again.
constexpr auto kRetry = std::chrono::milliseconds{200};

class Receiver : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& c, const std::string& channel, Listener& listener)
      : pqxx::notification_receiver(c, channel), listener_(listener) {}
  void operator()(const std::string& payload, int) override {
    listener_.notified(channel(), payload);
  }

 private:
  Listener& listener_;
};

}  // namespace

ListeningThread::ListeningThread(std::string database_url, std::vector<std::string> channels,
                                 std::string name, Listener& listener)
    : url_(std::move(database_url)),
      channels_(std::move(channels)),
      name_(std::move(name)),
      listener_(listener) {
  if (pipe2(wake_pipe_, O_NONBLOCK | O_CLOEXEC) != 0) {
    throw std::runtime_error(name_ + ": cannot create its wake-up pipe");
  }
}

ListeningThread::~ListeningThread() {
  stop();
  close(wake_pipe_[0]);
  close(wake_pipe_[1]);
}

void ListeningThread::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void ListeningThread::stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  wake();
  thread_.join();
}

void ListeningThread::wake() {
  // Once nobody reads the pipe it may fill up: the write then fails with EAGAIN, and the bytes
  // left in it only cost a restarted thread one early turn.
  const char byte = 1;
  [[maybe_unused]] const auto ignored = write(wake_pipe_[1], &byte, 1);
}

void ListeningThread::run() {
  std::unique_ptr<pqxx::connection> connection;
  std::vector<std::unique_ptr<Receiver>> receivers;
  const auto drop = [&] {
    receivers.clear();
    connection.reset();
    listener_.lost();
  };
  while (!stopping_) {
    try {
      if (!connection) {
        connection = std::make_unique<pqxx::connection>(url_);
        for (const auto& channel : channels_) {
          receivers.push_back(std::make_unique<Receiver>(*connection, channel, listener_));
        }
        listener_.listening();
      }
      connection->get_notifs();
    } catch (const std::exception& e) {
      spdlog::warn("{}: {}", name_, e.what());
      drop();
    }
    const auto turn = listener_.turn(connection.get());
    if (turn.reconnect && connection) drop();
    auto next = turn.next;
    if (connection) {
      // The owner's work may have read notifications off the socket into libpq's queue: the
      // socket would then look idle although they wait to be handled.
      try {
        if (connection->get_notifs() > 0) continue;
      } catch (const std::exception& e) {
        spdlog::warn("{}: {}", name_, e.what());
        drop();
      }
    }
    if (!connection) next = std::min(next, Clock::now() + kRetry);
    pollfd fds[2] = {{wake_pipe_[0], POLLIN, 0}, {connection ? connection->sock() : -1, POLLIN, 0}};
    const auto timeout =
        std::chrono::duration_cast<std::chrono::milliseconds>(next - Clock::now()).count();
    ::poll(fds, connection ? 2 : 1, static_cast<int>(std::max<long long>(timeout, 0)) + 1);
    char drain[256];
    while (read(wake_pipe_[0], drain, sizeof drain) > 0) {
    }
  }
  if (connection) drop();
}

}  // namespace switchboard::api::listen
