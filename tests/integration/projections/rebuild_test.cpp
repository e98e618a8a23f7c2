// A full rebuild produces exactly the read model built incrementally, while writes go on.
#include "projections/rebuild.hpp"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <pqxx/pqxx>
#include <thread>

#include "commands/command_context.hpp"
#include "eventstore/event_store.hpp"
#include "projections/runner.hpp"
#include "projections/stream_catalog/stream_catalog_projection.hpp"
#include "tests/support/append_request.hpp"
#include "tests/support/test_database.hpp"

using namespace switchboard;
using namespace std::chrono_literals;

namespace {

eventstore::AppendRequest typed_request(const std::string& stream, int events) {
  return tests::append_request(stream, events, eventstore::ExpectedVersion::any(),
                               {"Type0", "Type1", "Type2"});
}

std::string table_text(const tests::TestDatabase& db) {
  pqxx::connection c(db.admin_url());
  pqxx::nontransaction tx(c);
  std::string out;
  for (const auto& row : tx.exec("SELECT stream_catalog::text FROM stream_catalog ORDER BY 1")) {
    out += row[0].c_str();
    out += '\n';
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(rebuild_reproduces_the_incremental_read_model) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url()});
  auto projection = std::make_shared<projections::StreamCatalogProjection>();
  projections::ProjectionRunner runner(
      store, {projection},
      {.database_url = db.app_url(), .batch_size = 50, .poll_interval = 100ms});
  runner.start();
  // A second node: the rebuild swaps the tables under whichever of the two applies them.
  projections::ProjectionRunner other_node(
      store, {std::make_shared<projections::StreamCatalogProjection>()},
      {.database_url = db.app_url(), .batch_size = 50, .poll_interval = 100ms});
  other_node.start();
  for (int i = 0; i < 600; ++i) {
    const auto stream = "cat" + std::to_string(i % 4) + "-" + std::to_string(i % 37);
    BOOST_REQUIRE(store.append(typed_request(stream, 1 + i % 4)).succeeded());
  }
  BOOST_REQUIRE(runner.wait_caught_up(30s));
  BOOST_CHECK_EQUAL(db.count("SELECT events_applied FROM projection_checkpoints"),
                    db.count("SELECT count(*) FROM events"));
  const auto incremental = table_text(db);
  BOOST_REQUIRE(!incremental.empty());
  BOOST_CHECK(projections::verify(db.admin_url(), *projection).empty());

  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i)
      store.append(tests::append_request("live-" + std::to_string(i % 11), 2,
                                         eventstore::ExpectedVersion::any(),
                                         {"Type0", "Type1", "Type2"}));
  });
  projections::StreamCatalogProjection rebuilder;
  std::uint64_t progress_calls = 0;
  const auto applied =
      projections::rebuild(db.admin_url(), rebuilder, [&](std::uint64_t) { ++progress_calls; });
  BOOST_CHECK_GT(applied, 0u);
  BOOST_CHECK_GT(progress_calls, 0u);
  std::this_thread::sleep_for(300ms);
  stop = true;
  writer.join();
  BOOST_REQUIRE(runner.wait_caught_up(30s));
  BOOST_CHECK(runner.status()[0].owned != other_node.status()[0].owned);
  BOOST_CHECK_EQUAL(runner.status()[0].last_error, "");
  BOOST_CHECK_EQUAL(other_node.status()[0].last_error, "");

  // Storage parameters (the catalog's fillfactor keeps its updates on their page) survive.
  BOOST_CHECK_EQUAL(db.count("SELECT count(*) FROM pg_class WHERE relname = 'stream_catalog'"
                             " AND relnamespace = 'public'::regnamespace"
                             " AND 'fillfactor=70' = ANY (reloptions)"),
                    1);
  // The swapped-in tables and the live runner that continued on them agree with a fresh replay.
  BOOST_CHECK(projections::verify(db.admin_url(), rebuilder).empty());
  BOOST_CHECK_EQUAL(db.count("SELECT sum(event_count) FROM stream_catalog"),
                    db.count("SELECT count(*) FROM events"));
  BOOST_CHECK_EQUAL(
      db.count("SELECT count(*) FROM stream_catalog c JOIN streams s USING (stream_id)"
               " WHERE c.version <> s.version"),
      0);
}

BOOST_AUTO_TEST_CASE(verify_reports_a_read_model_that_drifted_from_the_log) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url()});
  auto projection = std::make_shared<projections::StreamCatalogProjection>();
  projections::ProjectionRunner runner(store, {projection},
                                       {.database_url = db.app_url(), .poll_interval = 100ms});
  runner.start();
  for (int i = 0; i < 20; ++i)
    BOOST_REQUIRE(store
                      .append(tests::append_request("drift-" + std::to_string(i), 2,
                                                    eventstore::ExpectedVersion::any(),
                                                    {"Type0", "Type1", "Type2"}))
                      .succeeded());
  BOOST_REQUIRE(runner.wait_caught_up(30s));
  db.exec("UPDATE stream_catalog SET event_count = 99 WHERE stream_id = 'drift-3'");
  const auto differences = projections::verify(db.admin_url(), *projection);
  BOOST_REQUIRE_EQUAL(differences.size(), 1u);
  BOOST_CHECK_EQUAL(differences[0].table, "stream_catalog");
  BOOST_CHECK_EQUAL(differences[0].only_live, 1);
  BOOST_CHECK_EQUAL(differences[0].only_rebuilt, 1);
}
