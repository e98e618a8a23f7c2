#include "api/cti/event_feed.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <list>
#include <map>
#include <optional>
#include <pqxx/pqxx>
#include <random>
#include <set>
#include <unordered_map>

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

// The long-polls waiting for events, found by login when a notification wakes them and by
// deadline when their wait ends, each without walking all of them: the feed's thread looks for
// due waits on every turn, and 5,000 waiters walked each time cost more than the rest of its work.
class EventFeed::Parked {
 public:
  void add(Waiter w) {
    const auto it = waiters_.insert(waiters_.end(), std::move(w));
    by_login_.emplace(it->login, it);
    by_deadline_.emplace(it->deadline, it);
  }

  void take(const std::string& login, std::vector<Waiter>& out) {
    const auto [first, last] = by_login_.equal_range(login);
    for (auto i = first; i != last; ++i) {
      erase_one(by_deadline_, i->second->deadline, i->second);
      out.push_back(std::move(*i->second));
      waiters_.erase(i->second);
    }
    by_login_.erase(first, last);
  }

  void take_due(Clock::time_point now, std::vector<Waiter>& out) {
    while (!by_deadline_.empty() && by_deadline_.begin()->first <= now) {
      const auto it = by_deadline_.begin()->second;
      by_deadline_.erase(by_deadline_.begin());
      erase_one(by_login_, it->login, it);
      out.push_back(std::move(*it));
      waiters_.erase(it);
    }
  }

  void take_all(std::vector<Waiter>& out) {
    for (auto& w : waiters_) out.push_back(std::move(w));
    waiters_.clear();
    by_login_.clear();
    by_deadline_.clear();
  }

  std::optional<Clock::time_point> next_deadline() const {
    if (by_deadline_.empty()) return std::nullopt;
    return by_deadline_.begin()->first;
  }

  std::size_t size() const { return waiters_.size(); }

 private:
  using Iterator = std::list<Waiter>::iterator;

  template <typename Index, typename Key>
  static void erase_one(Index& index, const Key& key, Iterator it) {
    const auto [first, last] = index.equal_range(key);
    for (auto i = first; i != last; ++i) {
      if (i->second == it) {
        index.erase(i);
        return;
      }
    }
  }

  std::list<Waiter> waiters_;
  std::unordered_multimap<std::string, Iterator> by_login_;
  std::multimap<Clock::time_point, Iterator> by_deadline_;
};

void EventFeed::run() {
  Parked parked;
  std::vector<Waiter> due;
  // Logins known to have no events after a seq, until a notification for the login: a re-poll
  // after an empty wait parks without a read. 5,000 agents re-poll in waves, and one read each on
  // this single thread would hold back the notifications of the waves' real events.
  std::unordered_map<std::string, std::int64_t> quiet;
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
        quiet.clear();
        parked.take_all(ready);
      }
      connection->get_notifs();
    } catch (const std::exception& e) {
      spdlog::warn("cti event feed: {}", e.what());
      healthy = false;
    }
    for (const auto& login : woken) {
      quiet.erase(login);
      parked.take(login, ready);
    }
    woken.clear();

    const auto now = Clock::now();
    const auto wait_or_answer_empty = [&](Waiter& w) {
      if (w.deadline <= now) return w.done(FeedResult{FeedResult::Status::empty, {}, 0, {}});
      parked.add(std::move(w));
    };
    for (auto& w : ready) {
      if (const auto q = quiet.find(w.login); healthy && q != quiet.end() && w.after >= q->second) {
        wait_or_answer_empty(w);
        continue;
      }
      auto result = healthy ? fetch(*connection, w.login, w.after, max_batch_) : FeedResult{};
      switch (result.status) {
        case FeedResult::Status::events:
          w.done(std::move(result));
          break;
        case FeedResult::Status::empty: {
          const auto [q, fresh] = quiet.try_emplace(w.login, w.after);
          if (!fresh) q->second = std::min(q->second, w.after);
          wait_or_answer_empty(w);
          break;
        }
        case FeedResult::Status::failed:
          // Probably the connection: try again on a new one; answer empty once the wait is over.
          healthy = false;
          wait_or_answer_empty(w);
          break;
      }
    }
    ready.clear();
    if (!healthy) {
      listener.reset();
      connection.reset();
    }

    parked.take_due(now, due);
    for (auto& w : due) w.done(FeedResult{FeedResult::Status::empty, {}, 0, {}});
    due.clear();
    auto next = std::min(now + max_sleep, parked.next_deadline().value_or(now + max_sleep));
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
  parked.take_all(due);
  for (auto& w : due) w.done(FeedResult{FeedResult::Status::empty, {}, 0, {}});
  std::lock_guard lock(mutex_);
  for (auto& w : arrivals_) w.done(FeedResult{FeedResult::Status::empty, {}, 0, {}});
  arrivals_.clear();
}

}  // namespace switchboard::api::cti
