// Waiting for a projection to apply an event (projections/checkpoint.hpp): the answer comes once
// the checkpoint passes the event, and no transaction stays open while the wait sleeps.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <pqxx/pqxx>
#include <thread>

#include "eventstore/connection_pool.hpp"
#include "eventstore/event_store.hpp"
#include "projections/checkpoint.hpp"
#include "tests/support/append_request.hpp"
#include "tests/support/test_database.hpp"

using namespace switchboard;
using namespace std::chrono_literals;

namespace {

constexpr const char* kName = "waited_on";

// Moves the projection's checkpoint to the event at `global_position`.
void checkpoint_at(const tests::TestDatabase& db, std::int64_t global_position) {
  pqxx::connection c(db.admin_url());
  pqxx::work tx(c);
  const auto row = tx.exec_params1(
      "SELECT epoch, tx_id::text, global_position FROM events WHERE global_position = $1",
      global_position);
  projections::store_checkpoint(
      tx, kName,
      {{row[0].as<std::int32_t>(), row[1].as<std::uint64_t>(), row[2].as<std::int64_t>()}, 1});
  tx.commit();
}

}  // namespace

BOOST_AUTO_TEST_CASE(waits_until_the_checkpoint_passes_the_event) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url()});
  const auto first = store.append(tests::append_request("waited-1"));
  const auto second = store.append(tests::append_request("waited-2"));
  BOOST_REQUIRE(first.succeeded() && second.succeeded());
  pqxx::connection c(db.app_url());

  // Not recorded at all: asked once, or until the timeout.
  BOOST_TEST(!projections::wait_applied(c, kName, first.last_position, 0ms));
  const auto started = std::chrono::steady_clock::now();
  BOOST_TEST(!projections::wait_applied(c, kName, first.last_position, 50ms));
  BOOST_CHECK(std::chrono::steady_clock::now() - started >= 50ms);

  checkpoint_at(db, first.last_position);
  BOOST_TEST(projections::wait_applied(c, kName, first.last_position, 0ms));
  BOOST_TEST(!projections::wait_applied(c, kName, second.last_position, 0ms));

  // Another session moves the checkpoint while a pool's wait sleeps: it answers then, and the
  // database saw no transaction left open meanwhile.
  eventstore::ConnectionPool pool(db.app_url(), 1);
  long long open_transactions = -1;
  std::thread mover([&] {
    std::this_thread::sleep_for(200ms);
    open_transactions = db.count(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        " AND state LIKE 'idle in transaction%'");
    checkpoint_at(db, second.last_position);
  });
  const auto waited_from = std::chrono::steady_clock::now();
  const bool reached = projections::wait_applied(pool, kName, second.last_position, 10s);
  const auto waited = std::chrono::steady_clock::now() - waited_from;
  mover.join();
  BOOST_TEST(reached);
  BOOST_CHECK(waited >= 200ms);
  BOOST_CHECK(waited < 5s);
  BOOST_TEST(open_transactions == 0);
}
