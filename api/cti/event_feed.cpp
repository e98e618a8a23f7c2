#include "api/cti/event_feed.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <pqxx/pqxx>
#include <random>
#include <set>

#include "projections/cti/event_cache_projection.hpp"

namespace switchboard::api::cti {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto max_sleep = std::chrono::milliseconds{1000};

FeedResult fetch(pqxx::connection& c, const std::string& login, std::int64_t after,
                 std::size_t max_batch) {
  FeedResult result;
  try {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_params(
        "SELECT seq, body::text FROM cti_event_cache WHERE cti_login = $1 AND seq > greatest($2,"
        " coalesce((SELECT acked_seq FROM cti_delivery WHERE cti_login = $1), 0))"
        " ORDER BY seq LIMIT $3",
        login, after, static_cast<std::int64_t>(max_batch));
    if (rows.empty()) {
      result.status = FeedResult::Status::empty;
      return result;
    }
    std::string body = R"({"events":[)";
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (i > 0) body += ',';
      body += rows[i][1].c_str();
    }
    result.cursor = rows[rows.size() - 1][0].as<std::int64_t>();
    body += R"(],"cursor":)" + std::to_string(result.cursor) + "}";
    result.status = FeedResult::Status::events;
    result.body = std::move(body);
  } catch (const std::exception& e) {
    result.status = FeedResult::Status::failed;
    result.error = e.what();
  }
  return result;
}

}  // namespace

struct EventFeed::Listener : pqxx::notification_receiver {
  Listener(pqxx::connection_base& c, std::set<std::string>& woken)
      : pqxx::notification_receiver(c, projections::cti::EventCacheProjection::channel),
        woken_(woken) {}
  void operator()(const std::string& payload, int) override { woken_.insert(payload); }

 private:
  std::set<std::string>& woken_;
};

EventFeed::EventFeed(std::string database_url, std::size_t max_batch)
    : url_(std::move(database_url)), max_batch_(max_batch) {}

EventFeed::~EventFeed() {
  stop();
}

void EventFeed::start() {
  if (thread_.joinable()) return;
  if (pipe2(wake_pipe_, O_NONBLOCK | O_CLOEXEC) != 0) {
    throw std::runtime_error("event feed: cannot create its wake-up pipe");
  }
  thread_ = std::thread([this] { run(); });
}

void EventFeed::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake();
  thread_.join();
  close(wake_pipe_[0]);
  close(wake_pipe_[1]);
}

void EventFeed::wake() {
  const char byte = 1;
  [[maybe_unused]] const auto ignored = write(wake_pipe_[1], &byte, 1);
}

void EventFeed::poll(std::string cti_login, std::int64_t after, std::chrono::milliseconds wait,
                     std::function<void(FeedResult)> done) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || !thread_.joinable()) {
      FeedResult r;
      r.error = "the event feed is not running";
      done(std::move(r));
      return;
    }
    // Up to a fifth shorter, at random: agents that started together (after a restart) would
    // otherwise come back all at once every wait.
    thread_local std::mt19937 random{std::random_device{}()};
    const auto jitter = wait / 5 * std::uniform_real_distribution<double>(0, 1)(random);
    arrivals_.push_back({std::move(cti_login), after,
                         Clock::now() + wait - std::chrono::duration_cast<Clock::duration>(jitter),
                         std::move(done)});
  }
  wake();
}

std::size_t EventFeed::waiting() const {
  std::lock_guard lock(mutex_);
  return parked_ + arrivals_.size();
}

void EventFeed::run() {
  std::multimap<std::string, Waiter> parked;
  std::unique_ptr<pqxx::connection> connection;
  std::set<std::string> woken;
  std::unique_ptr<Listener> listener;
  std::vector<Waiter> ready;
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) break;
      for (auto& w : arrivals_) ready.push_back(std::move(w));
      arrivals_.clear();
    }
    bool healthy = true;
    try {
      if (!connection) {
        connection = std::make_unique<pqxx::connection>(url_);
        listener = std::make_unique<Listener>(*connection, woken);
        // Notifications sent while there was no connection are lost: look at every waiter.
        for (auto& [login, w] : parked) ready.push_back(std::move(w));
        parked.clear();
      }
      connection->get_notifs();
    } catch (const std::exception& e) {
      spdlog::warn("cti event feed: {}", e.what());
      healthy = false;
    }
    for (const auto& login : woken) {
      const auto [first, last] = parked.equal_range(login);
      for (auto it = first; it != last; ++it) ready.push_back(std::move(it->second));
      parked.erase(first, last);
    }
    woken.clear();

    const auto now = Clock::now();
    for (auto& w : ready) {
      auto result = healthy ? fetch(*connection, w.login, w.after, max_batch_) : FeedResult{};
      if (result.status == FeedResult::Status::events) {
        w.done(std::move(result));
      } else if (result.status == FeedResult::Status::failed) {
        // Probably the connection: try again on a new one; answer empty once the wait is over.
        healthy = false;
        if (w.deadline <= now) {
          w.done(FeedResult{FeedResult::Status::empty, {}, 0, {}});
        } else {
          parked.emplace(w.login, std::move(w));
        }
      } else if (w.deadline <= now) {
        w.done(std::move(result));
      } else {
        parked.emplace(w.login, std::move(w));
      }
    }
    ready.clear();
    if (!healthy) {
      listener.reset();
      connection.reset();
    }

    auto next = now + max_sleep;
    for (auto it = parked.begin(); it != parked.end();) {
      if (it->second.deadline <= now) {
        it->second.done(FeedResult{FeedResult::Status::empty, {}, 0, {}});
        it = parked.erase(it);
      } else {
        next = std::min(next, it->second.deadline);
        ++it;
      }
    }
    {
      std::lock_guard lock(mutex_);
      parked_ = parked.size();
    }
    if (!healthy) next = std::min(next, now + std::chrono::milliseconds{200});
    if (connection) {
      // The fetches above may have read notifications off the socket into libpq's queue: the
      // socket would then look idle although waiters are due.
      try {
        connection->get_notifs();
      } catch (const std::exception&) {
        listener.reset();
        connection.reset();
      }
      if (!woken.empty()) continue;
    }
    pollfd fds[2] = {{wake_pipe_[0], POLLIN, 0}, {connection ? connection->sock() : -1, POLLIN, 0}};
    const auto timeout =
        std::chrono::duration_cast<std::chrono::milliseconds>(next - Clock::now()).count();
    ::poll(fds, connection ? 2 : 1, static_cast<int>(std::max<long long>(timeout, 0)) + 1);
    char drain[256];
    while (read(wake_pipe_[0], drain, sizeof drain) > 0) {
    }
  }
  for (auto& [login, w] : parked) w.done(FeedResult{FeedResult::Status::empty, {}, 0, {}});
  std::lock_guard lock(mutex_);
  for (auto& w : arrivals_) w.done(FeedResult{FeedResult::Status::empty, {}, 0, {}});
  arrivals_.clear();
}

}  // namespace switchboard::api::cti
