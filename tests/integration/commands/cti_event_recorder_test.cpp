// The CTI event recorder's stop against a real PostgreSQL: what is queued is recorded before it
// returns, and with the database gone it returns once the store has given up, counting what it
// could not record instead of waiting a fixed time or losing it without trace.
#include <boost/test/unit_test.hpp>
#include <chrono>

#include "commands/cti/event_recorder.hpp"
#include "tests/support/database_outage.hpp"

using namespace switchboard;
using commands::cti::EventRecorder;

namespace {

std::string user_state(const std::string& login, int n) {
  return R"({"name":"UserState","login":")" + login + R"(","state":"normal","n":)" +
         std::to_string(n) + "}";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cti_event_recorder)

BOOST_AUTO_TEST_CASE(stop_records_everything_queued_before_it_returns) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url()});
  EventRecorder recorder(store);
  for (int n = 0; n < 40; ++n) recorder.record("op" + std::to_string(n % 4), user_state("op", n));
  BOOST_TEST(recorder.stop() == 0u);
  BOOST_TEST(recorder.recorded() == 40u);
  BOOST_TEST(db.count("SELECT count(*) FROM events WHERE stream_id LIKE 'ctiline-op%'") == 40);
  // Each login's messages in arrival order.
  BOOST_TEST(db.count("SELECT count(*) FROM (SELECT (data->'message'->>'n')::int AS n,"
                      " lag((data->'message'->>'n')::int) OVER (PARTITION BY stream_id"
                      " ORDER BY stream_version) AS before FROM events"
                      " WHERE stream_id LIKE 'ctiline-op%') e WHERE n < before") == 0);
}

BOOST_AUTO_TEST_CASE(stop_with_the_database_gone_returns_and_counts_what_was_not_recorded) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url()});
  EventRecorder recorder(store);
  recorder.record("op1", user_state("op1", 0));
  BOOST_REQUIRE(recorder.wait_idle(std::chrono::seconds{10}));

  tests::set_reachable(db, false);
  for (int n = 1; n <= 5; ++n) recorder.record("op" + std::to_string(n % 2), user_state("op", n));
  const auto started = std::chrono::steady_clock::now();
  BOOST_TEST(recorder.stop() == 5u);
  // The store's own reconnect attempts, not a fixed wait of the recorder's.
  BOOST_TEST((std::chrono::steady_clock::now() - started < std::chrono::seconds{5}));
  BOOST_TEST(recorder.recorded() == 1u);
  recorder.record("op1", user_state("op1", 6));
  BOOST_TEST(recorder.lost() == 6u);
  tests::set_reachable(db, true);
  BOOST_TEST(db.count("SELECT count(*) FROM events WHERE stream_id LIKE 'ctiline-%'") == 1);
}

BOOST_AUTO_TEST_SUITE_END()
