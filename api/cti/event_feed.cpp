#include "api/cti/event_feed.hpp"

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

FeedResult fetch(pqxx::connection_base& c, const std::string& login, std::int64_t after,
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
    // A read on a connection that is gone is an outage, whatever libpqxx calls it; anything
    // else is a fault of the read.
    result.status = dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr || !c.is_open()
                        ? FeedResult::Status::unavailable
                        : FeedResult::Status::failed;
    result.error = e.what();
  }
  return result;
}

FeedResult stopped() {
  return {FeedResult::Status::stopped, {}, 0, "the event feed is not running"};
}

}  // namespace

void EventFeed::poll(std::string cti_login, std::int64_t after, std::chrono::milliseconds wait,
                     std::function<void(FeedResult)> done) {
  {
    std::lock_guard lock(mutex_);
    if (!running_) {
      done(stopped());
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
  thread_.wake();
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

// What the feed's thread does on each turn: it looks at the new waits and at those a
// notification or their deadline wakes, and answers each it can.
class EventFeed::Loop final : public listen::Listener {
 public:
  Loop(EventFeed& feed, std::size_t max_batch) : feed_(feed), max_batch_(max_batch) {}

  // Notifications sent while there was no connection are lost: look at every waiter.
  void listening() override {
    quiet_.clear();
    parked_.take_all(ready_);
  }

  // The waits stay parked: listening() looks at each of them again.
  void lost() override {}

  void notified(const std::string&, const std::string& login) override { woken_.insert(login); }

  Turn turn(pqxx::connection_base* connection) override {
    {
      std::lock_guard lock(feed_.mutex_);
      for (auto& w : feed_.arrivals_) ready_.push_back(std::move(w));
      feed_.arrivals_.clear();
    }
    for (const auto& login : woken_) {
      quiet_.erase(login);
      parked_.take(login, ready_);
    }
    woken_.clear();

    bool healthy = connection != nullptr;
    const auto now = Clock::now();
    // A wait that ends while the feed cannot read is told so (503, or 500 for a fault of the
    // read), not that nothing arrived.
    FeedResult unread{FeedResult::Status::unavailable, {}, 0, "no connection to the database"};
    const auto end_of_wait = [&] {
      return healthy ? FeedResult{FeedResult::Status::empty, {}, 0, {}} : unread;
    };
    const auto wait_or_answer = [&](Waiter& w) {
      if (w.deadline <= now) return w.done(end_of_wait());
      parked_.add(std::move(w));
    };
    for (auto& w : ready_) {
      if (const auto q = quiet_.find(w.login);
          healthy && q != quiet_.end() && w.after >= q->second) {
        wait_or_answer(w);
        continue;
      }
      auto result = healthy ? fetch(*connection, w.login, w.after, max_batch_) : unread;
      switch (result.status) {
        case FeedResult::Status::events:
          w.done(std::move(result));
          break;
        case FeedResult::Status::empty: {
          const auto [q, fresh] = quiet_.try_emplace(w.login, w.after);
          if (!fresh) q->second = std::min(q->second, w.after);
          wait_or_answer(w);
          break;
        }
        case FeedResult::Status::unavailable:
        case FeedResult::Status::stopped:  // not from a read
        case FeedResult::Status::failed:
          // Probably the connection: try again on a new one until the wait is over.
          healthy = false;
          unread = std::move(result);
          wait_or_answer(w);
          break;
      }
    }
    ready_.clear();

    parked_.take_due(now, due_);
    for (auto& w : due_) w.done(end_of_wait());
    due_.clear();
    {
      std::lock_guard lock(feed_.mutex_);
      feed_.parked_ = parked_.size();
    }
    return {std::min(now + max_sleep, parked_.next_deadline().value_or(now + max_sleep)),
            connection != nullptr && !healthy};
  }

  // Once the thread has ended: every wait is answered, stopped (not empty: the agent must not
  // take a shutdown for a wait in which nothing happened).
  void end() {
    std::vector<Waiter> all;
    parked_.take_all(all);
    {
      std::lock_guard lock(feed_.mutex_);
      for (auto& w : feed_.arrivals_) all.push_back(std::move(w));
      feed_.arrivals_.clear();
      feed_.parked_ = 0;
    }
    for (auto& w : all) w.done(stopped());
  }

 private:
  EventFeed& feed_;
  std::size_t max_batch_;
  Parked parked_;
  std::vector<Waiter> ready_;
  std::vector<Waiter> due_;
  // Logins known to have no events after a seq, until a notification for the login: a re-poll
  // after an empty wait parks without a read. 5,000 agents re-poll in waves, and one read each on
  // this single thread would hold back the notifications of the waves' real events.
  std::unordered_map<std::string, std::int64_t> quiet_;
  std::set<std::string> woken_;
};

EventFeed::EventFeed(std::string database_url, std::size_t max_batch)
    : loop_(std::make_unique<Loop>(*this, max_batch)),
      thread_(std::move(database_url), {projections::cti::EventCacheProjection::channel},
              "cti event feed", *loop_) {}

EventFeed::~EventFeed() {
  stop();
}

void EventFeed::start() {
  std::lock_guard lock(mutex_);
  if (running_) return;
  thread_.start();
  running_ = true;
}

void EventFeed::stop() {
  {
    std::lock_guard lock(mutex_);
    if (!running_) return;
    running_ = false;
  }
  thread_.stop();
  loop_->end();
}

}  // namespace switchboard::api::cti
