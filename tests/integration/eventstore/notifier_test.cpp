// One LISTEN session wakes every reader of a process, a notification sent before a reader waits
// is not missed, and a session the server ends is listened again.
#include "eventstore/notifier.hpp"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <thread>
#include <vector>

#include "tests/support/eventually.hpp"
#include "tests/support/test_database.hpp"

using namespace switchboard;
using namespace std::chrono_literals;
using switchboard::tests::eventually;

namespace {

struct Fixture {
  tests::TestDatabase db;

  // Sessions of this database whose last statement was a LISTEN.
  long long listening() const {
    return db.count(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        " AND query ILIKE 'LISTEN%'");
  }
  void notify() const { db.exec("NOTIFY switchboard_events"); }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(notifier, Fixture)

BOOST_AUTO_TEST_CASE(one_session_wakes_every_reader) {
  eventstore::Notifier notifier(db.app_url());
  std::vector<eventstore::Notifier::Reader> readers;
  for (int i = 0; i < 8; ++i) readers.emplace_back(notifier);
  BOOST_REQUIRE(eventually([&] { return listening() == 1; }));
  for (auto& r : readers) r.wait_for(0ms);  // past the wake-up of the session's start
  notify();
  for (auto& r : readers) BOOST_TEST(r.wait_for(10s));
  // Woken once per notification: nothing new, so the next wait times out.
  for (auto& r : readers) BOOST_TEST(!r.wait_for(50ms));
  BOOST_TEST(listening() == 1);
}

BOOST_AUTO_TEST_CASE(a_notification_sent_before_the_wait_is_not_missed) {
  eventstore::Notifier notifier(db.app_url());
  eventstore::Notifier::Reader reader(notifier);
  BOOST_REQUIRE(eventually([&] { return listening() == 1; }));
  reader.wait_for(0ms);
  notify();
  // The reader was not waiting when it came (as a projection applying its page is not).
  std::this_thread::sleep_for(300ms);
  BOOST_TEST(reader.wait_for(10s));
}

BOOST_AUTO_TEST_CASE(wake_all_wakes_waiting_readers_at_once) {
  eventstore::Notifier notifier(db.app_url());
  eventstore::Notifier::Reader reader(notifier);
  BOOST_REQUIRE(eventually([&] { return listening() == 1; }));
  reader.wait_for(0ms);
  std::thread waker([&] {
    std::this_thread::sleep_for(100ms);
    notifier.wake_all();
  });
  BOOST_TEST(reader.wait_for(60s));
  waker.join();
}

BOOST_AUTO_TEST_CASE(a_session_the_server_ended_is_listened_again) {
  eventstore::Notifier notifier(db.app_url());
  eventstore::Notifier::Reader reader(notifier);
  BOOST_REQUIRE(eventually([&] { return listening() == 1; }));
  db.exec(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
      " AND query ILIKE 'LISTEN%'");
  BOOST_REQUIRE(eventually([&] { return listening() == 1; }));
  reader.wait_for(0ms);
  notify();
  BOOST_TEST(reader.wait_for(10s));
}

BOOST_AUTO_TEST_SUITE_END()
