// ListeningThread against a real PostgreSQL: the owner hears each notification on its channels,
// is told when it listens (again) and when it stops, gets an early turn on wake(), a new
// connection when its work asks for one or the old one dies, and stop() ends the thread at once.
#include "api/listen/listening_thread.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <functional>
#include <mutex>
#include <pqxx/pqxx>
#include <thread>
#include <vector>

#include "tests/support/test_database.hpp"

using namespace switchboard;
using api::listen::Listener;
using api::listen::ListeningThread;
using Clock = std::chrono::steady_clock;

namespace {

// What the thread told its owner, in order ("listening", "lost", "channel:payload", "turn"...).
class Recorder : public Listener {
 public:
  void listening() override { add("listening"); }
  void lost() override { add("lost"); }
  void notified(const std::string& channel, const std::string& payload) override {
    add(channel + ":" + payload);
  }
  Turn turn(pqxx::connection_base* connection) override {
    std::lock_guard lock(mutex_);
    ++turns_;
    if (connection) ++connected_turns_;
    const bool reconnect = reconnect_;
    reconnect_ = false;
    // A long sleep: only a notification, wake() or stop() ends it in time.
    return {Clock::now() + std::chrono::seconds{30}, reconnect};
  }

  std::size_t count(const std::string& what) const {
    std::lock_guard lock(mutex_);
    return static_cast<std::size_t>(std::count(said_.begin(), said_.end(), what));
  }
  std::vector<std::string> said() const {
    std::lock_guard lock(mutex_);
    return said_;
  }
  int turns() const {
    std::lock_guard lock(mutex_);
    return turns_;
  }
  int connected_turns() const {
    std::lock_guard lock(mutex_);
    return connected_turns_;
  }
  void ask_to_reconnect() {
    std::lock_guard lock(mutex_);
    reconnect_ = true;
  }

 private:
  void add(std::string what) {
    std::lock_guard lock(mutex_);
    said_.push_back(std::move(what));
  }

  mutable std::mutex mutex_;
  std::vector<std::string> said_;
  int turns_ = 0;
  int connected_turns_ = 0;
  bool reconnect_ = false;
};

void eventually(const std::function<bool()>& done, const std::string& what) {
  const auto deadline = Clock::now() + std::chrono::seconds{20};
  while (!done()) {
    BOOST_REQUIRE_MESSAGE(Clock::now() < deadline, what);
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
}

void notify(const tests::TestDatabase& db, const std::string& channel, const std::string& payload) {
  pqxx::connection c(db.admin_url());
  pqxx::nontransaction tx(c);
  tx.exec_params("SELECT pg_notify($1, $2)", channel, payload);
}

// stop() returns well before the 30 s a turn asks to sleep.
void stops_at_once(ListeningThread& thread) {
  const auto started = Clock::now();
  thread.stop();
  BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count() <
             1000);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(listening_thread)

BOOST_AUTO_TEST_CASE(hands_over_notifications_wakes_on_demand_and_stops_at_once) {
  tests::TestDatabase db;
  Recorder owner;
  ListeningThread thread(db.app_url(), {"alpha", "beta"}, "test listener", owner);
  thread.start();
  eventually([&] { return owner.count("listening") == 1; }, "it never listened");

  notify(db, "alpha", "one");
  notify(db, "beta", "two");
  notify(db, "gamma", "not listened to");
  eventually([&] { return owner.count("beta:two") == 1; }, "the notifications were not heard");
  BOOST_TEST(owner.count("alpha:one") == 1u);

  const auto turns = owner.turns();
  thread.wake();
  eventually([&] { return owner.turns() > turns; }, "wake() brought no turn");

  stops_at_once(thread);
  const auto said = owner.said();
  BOOST_TEST(said.back() == "lost");
  BOOST_TEST(std::count(said.begin(), said.end(), "gamma:not listened to") == 0);
  // Stopped: the owner is not called any more.
  notify(db, "alpha", "late");
  std::this_thread::sleep_for(std::chrono::milliseconds{100});
  BOOST_TEST(owner.said() == said);
}

// The CTI event feed wakes the thread after handing a long-poll over, outside its lock, so a
// stop() may come between the two: that wake() must not write to a descriptor stop() closed,
// which by then may be another file's (the kernel hands out the lowest free number first).
BOOST_AUTO_TEST_CASE(a_wake_after_stop_writes_to_no_other_descriptor_and_a_restart_wakes_again) {
  tests::TestDatabase db;
  Recorder owner;
  ListeningThread thread(db.app_url(), {"alpha"}, "test listener", owner);
  thread.start();
  eventually([&] { return owner.count("listening") == 1; }, "it never listened");
  stops_at_once(thread);

  // Pipes opened now take the lowest free numbers: those of anything stop() closed.
  std::vector<std::array<int, 2>> pipes(4);
  for (auto& p : pipes) BOOST_REQUIRE(pipe2(p.data(), O_NONBLOCK | O_CLOEXEC) == 0);
  thread.wake();
  for (auto& p : pipes) {
    char byte = 0;
    BOOST_TEST(read(p[0], &byte, 1) == -1, "a pipe opened after stop() got the wake-up byte");
    close(p[0]);
    close(p[1]);
  }

  thread.start();
  eventually([&] { return owner.count("listening") == 2; }, "it did not listen after a restart");
  const auto turns = owner.turns();
  thread.wake();
  eventually([&] { return owner.turns() > turns; }, "wake() after a restart brought no turn");
  stops_at_once(thread);
}

BOOST_AUTO_TEST_CASE(listens_again_when_the_owner_asks_or_the_connection_dies) {
  tests::TestDatabase db;
  Recorder owner;
  ListeningThread thread(db.app_url(), {"alpha"}, "test listener", owner);
  thread.start();
  eventually([&] { return owner.count("listening") == 1; }, "it never listened");

  owner.ask_to_reconnect();
  thread.wake();
  eventually([&] { return owner.count("listening") == 2; }, "it did not listen again");
  BOOST_TEST(owner.count("lost") == 1u);

  BOOST_REQUIRE(db.count("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                         " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                         " AND backend_type = 'client backend'") > 0);
  // The socket wakes the thread: libpq finds the connection gone.
  eventually([&] { return owner.count("listening") == 3; }, "it did not listen after the loss");
  BOOST_TEST(owner.count("lost") == 2u);
  notify(db, "alpha", "again");
  eventually([&] { return owner.count("alpha:again") == 1; }, "not heard on the new connection");
  stops_at_once(thread);
}

BOOST_AUTO_TEST_CASE(takes_turns_without_a_connection_and_keeps_trying) {
  Recorder owner;
  // Nobody listens on port 1.
  ListeningThread thread("postgresql://nobody@127.0.0.1:1/none?connect_timeout=1", {"alpha"},
                         "test listener", owner);
  thread.start();
  // A try every 200 ms or so, each a turn without a connection.
  eventually([&] { return owner.turns() >= 3; }, "it did not keep trying");
  BOOST_TEST(owner.connected_turns() == 0);
  BOOST_TEST(owner.count("listening") == 0u);
  stops_at_once(thread);
}

BOOST_AUTO_TEST_SUITE_END()
