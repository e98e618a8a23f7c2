// One LISTEN session wakes the readers of a process that read what an append notifies of, a
// notification sent before a reader waits is not missed, and a session the server ends is
// listened again.
#include "eventstore/notifier.hpp"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <deque>
#include <pqxx/pqxx>
#include <thread>

#include "tests/support/eventually.hpp"
#include "tests/support/test_database.hpp"

using namespace switchboard;
using namespace std::chrono_literals;
using switchboard::tests::eventually;

namespace {

const std::vector<std::string> kEvery;

struct Fixture {
  tests::TestDatabase db;

  // Sessions of this database whose last statement was a LISTEN.
  long long listening() const {
    return db.count(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        " AND query ILIKE 'LISTEN%'");
  }
  void notify(const std::string& payload = "") const {
    db.exec("NOTIFY switchboard_events, '" + payload + "'");
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(notifier, Fixture)

BOOST_AUTO_TEST_CASE(one_session_wakes_every_reader) {
  eventstore::Notifier notifier(db.app_url());
  std::deque<eventstore::Notifier::Reader> readers;
  for (int i = 0; i < 8; ++i) readers.emplace_back(notifier, "r" + std::to_string(i), kEvery);
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
  eventstore::Notifier::Reader reader(notifier, "r", kEvery);
  BOOST_REQUIRE(eventually([&] { return listening() == 1; }));
  reader.wait_for(0ms);
  notify();
  // The reader was not waiting when it came (as a projection applying its page is not).
  std::this_thread::sleep_for(300ms);
  BOOST_TEST(reader.wait_for(10s));
}

BOOST_AUTO_TEST_CASE(wake_all_wakes_waiting_readers_at_once) {
  eventstore::Notifier notifier(db.app_url());
  eventstore::Notifier::Reader reader(notifier, "r", kEvery);
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
  eventstore::Notifier::Reader reader(notifier, "r", kEvery);
  BOOST_REQUIRE(eventually([&] { return listening() == 1; }));
  db.exec(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
      " AND query ILIKE 'LISTEN%'");
  BOOST_REQUIRE(eventually([&] { return listening() == 1; }));
  reader.wait_for(0ms);
  notify();
  BOOST_TEST(reader.wait_for(10s));
}

BOOST_AUTO_TEST_CASE(an_append_wakes_the_readers_of_its_types) {
  eventstore::Notifier notifier(db.app_url());
  eventstore::Notifier::Reader chats(notifier, "chats", {"MessageReceived", "ChatRead"});
  eventstore::Notifier::Reader agents(notifier, "agents", {"AgentLoggedIn"});
  eventstore::Notifier::Reader every(notifier, "catalog", kEvery);
  BOOST_REQUIRE(eventually([&] { return listening() == 1; }));
  for (auto* r : {&chats, &agents, &every}) r->wait_for(0ms);

  // What append_batch notifies (migration 0049): its transaction and the types it appended.
  pqxx::connection c(db.app_url());
  pqxx::work tx(c);
  tx.exec(
      "SELECT * FROM append_batch('[{\"s\":\"chat-1\",\"c\":\"chat\",\"e\":-1,"
      "\"ev\":[{\"id\":\"0b0e2b0c-5d1e-4a55-9c35-3f1d2b8c0a01\",\"t\":\"ChatStarted\",\"d\":{}},"
      "{\"id\":\"0b0e2b0c-5d1e-4a55-9c35-3f1d2b8c0a02\",\"t\":\"MessageReceived\",\"d\":{}}]}]'"
      "::jsonb)");
  const auto tx_id = tx.exec1("SELECT pg_current_xact_id()::text")[0].as<std::uint64_t>();
  tx.commit();
  BOOST_TEST(chats.wait_for(10s));
  BOOST_TEST(every.wait_for(10s));
  BOOST_TEST(!agents.wait_for(300ms));

  // While a reader has not read as far as an append that woke it, an older transaction may hide
  // that append: any notification wakes it then, and none once it has.
  notify(std::to_string(tx_id + 1) + ":AgentLoggedIn");
  BOOST_TEST(agents.wait_for(10s));
  BOOST_TEST(chats.wait_for(10s));
  chats.read_through(tx_id);
  notify(std::to_string(tx_id + 2) + ":AgentLoggedIn");
  BOOST_TEST(agents.wait_for(10s));
  BOOST_TEST(!chats.wait_for(300ms));
}

BOOST_AUTO_TEST_CASE(a_wake_up_by_name_wakes_that_reader_alone) {
  eventstore::Notifier notifier(db.app_url());
  eventstore::Notifier::Reader chats(notifier, "chats", {"MessageReceived"});
  eventstore::Notifier::Reader agents(notifier, "agents", {"AgentLoggedIn"});
  BOOST_REQUIRE(eventually([&] { return listening() == 1; }));
  for (auto* r : {&chats, &agents}) r->wait_for(0ms);

  pqxx::connection c(db.app_url());
  {
    pqxx::nontransaction tx(c);
    eventstore::wake_readers(tx, "agents");
  }
  BOOST_TEST(agents.wait_for(10s));
  BOOST_TEST(!chats.wait_for(300ms));
  {
    pqxx::nontransaction tx(c);
    eventstore::wake_readers(tx, "");
  }
  BOOST_TEST(agents.wait_for(10s));
  BOOST_TEST(chats.wait_for(10s));
}

BOOST_AUTO_TEST_SUITE_END()
