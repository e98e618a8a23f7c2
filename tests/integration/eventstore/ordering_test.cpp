// The global order is gap-safe: a transaction that commits late is never skipped, one that rolls
// back never stalls readers, and under a randomized many-writer load every committed event reaches
// a projection exactly once.
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <pqxx/pqxx>
#include <random>
#include <thread>

#include "commands/command_context.hpp"
#include "eventstore/event_store.hpp"
#include "projections/runner.hpp"
#include "tests/support/append_request.hpp"
#include "tests/support/recording_projection.hpp"
#include "tests/support/test_database.hpp"

using namespace switchboard;
using namespace std::chrono_literals;

namespace {

std::string batch_for(const std::string& stream, int events = 1) {
  std::string json = R"([{"s":")" + stream + R"(","c":"held","e":-1,"ev":[)";
  for (int i = 0; i < events; ++i) {
    if (i > 0) json += ',';
    json += R"({"id":")" + commands::new_uuid() + R"(","t":"Held","d":{}})";
  }
  return json + "]}]";
}

struct Fixture {
  tests::TestDatabase db;
  eventstore::EventStore store{{.database_url = db.app_url()}};
  Fixture() { tests::RecordingProjection::create_table(db.admin_url()); }

  std::unique_ptr<projections::ProjectionRunner> runner() {
    return std::make_unique<projections::ProjectionRunner>(
        store,
        std::vector<std::shared_ptr<projections::Projection>>{
            std::make_shared<tests::RecordingProjection>()},
        projections::RunnerOptions{
            .database_url = db.app_url(), .batch_size = 100, .poll_interval = 200ms});
  }

  void check_exactly_once() {
    BOOST_CHECK_EQUAL(db.count("SELECT count(*) FROM seen_events"),
                      db.count("SELECT count(*) FROM events"));
    BOOST_CHECK_EQUAL(db.count("SELECT count(*) - count(DISTINCT event_id) FROM seen_events"), 0);
    BOOST_CHECK_EQUAL(db.count("SELECT count(*) FROM events e WHERE NOT EXISTS"
                               " (SELECT 1 FROM seen_events s WHERE s.event_id = e.event_id)"),
                      0);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(a_held_transaction_with_a_lower_position_is_not_skipped, Fixture) {
  auto run = runner();
  run->start();

  pqxx::connection held(db.app_url());
  pqxx::work slow(held);
  slow.exec("SELECT * FROM append_batch('" + batch_for("held-1", 2) + "'::jsonb)");

  BOOST_REQUIRE(store.append(tests::append_request("fast-1")).succeeded());
  // The later commit is invisible to readers while the earlier transaction is open.
  std::this_thread::sleep_for(500ms);
  BOOST_CHECK(store.read_all(eventstore::Position::start(), 100).empty());
  BOOST_CHECK_EQUAL(db.count("SELECT count(*) FROM seen_events"), 0);

  slow.commit();
  BOOST_REQUIRE(run->wait_caught_up(10s));
  const auto all = store.read_all(eventstore::Position::start(), 100);
  BOOST_REQUIRE_EQUAL(all.size(), 3u);
  BOOST_CHECK_EQUAL(all[0].stream_id, "held-1");
  BOOST_CHECK_EQUAL(all[1].stream_id, "held-1");
  BOOST_CHECK_EQUAL(all[2].stream_id, "fast-1");
  check_exactly_once();
}

BOOST_FIXTURE_TEST_CASE(a_rolled_back_transaction_leaves_no_stall, Fixture) {
  auto run = runner();
  run->start();
  {
    pqxx::connection held(db.app_url());
    pqxx::work doomed(held);
    doomed.exec("SELECT * FROM append_batch('" + batch_for("doomed-1") + "'::jsonb)");
    BOOST_REQUIRE(store.append(tests::append_request("fast-1")).succeeded());
    BOOST_CHECK(store.read_all(eventstore::Position::start(), 100).empty());
    doomed.abort();
  }
  BOOST_REQUIRE(run->wait_caught_up(10s));
  const auto all = store.read_all(eventstore::Position::start(), 100);
  BOOST_REQUIRE_EQUAL(all.size(), 1u);
  BOOST_CHECK_EQUAL(all[0].stream_id, "fast-1");
  check_exactly_once();
}

BOOST_FIXTURE_TEST_CASE(randomized_many_writer_soak_reaches_the_projection_exactly_once, Fixture) {
  auto run = runner();
  run->start();
  std::atomic<bool> stop{false};
  std::atomic<int> acknowledged{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < 16; ++w) {
    threads.emplace_back([&, w] {
      std::mt19937 rng(w);
      while (!stop) {
        auto r = tests::append_request("soak-" + std::to_string(rng() % 40), 1 + rng() % 5);
        if (rng() % 3 == 0) {
          const auto current = store.read_stream(r.stream_id);
          r.expected = eventstore::ExpectedVersion::exact(
              current.empty() ? 0 : current.back().stream_version);
        }
        if (store.append(r).status == eventstore::AppendStatus::ok) ++acknowledged;
      }
    });
  }
  // Raw transactions that hold their position for a while, then commit or roll back.
  for (int h = 0; h < 2; ++h) {
    threads.emplace_back([&, h] {
      std::mt19937 rng(100 + h);
      pqxx::connection c(db.app_url());
      while (!stop) {
        pqxx::work tx(c);
        tx.exec("SELECT * FROM append_batch('" +
                batch_for("held-" + std::to_string(rng() % 5), 1 + rng() % 3) + "'::jsonb)");
        std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 150));
        if (rng() % 2 == 0) {
          tx.commit();
        } else {
          tx.abort();
        }
      }
    });
  }
  std::this_thread::sleep_for(6s);
  stop = true;
  for (auto& t : threads) t.join();

  BOOST_REQUIRE(run->wait_caught_up(30s));
  BOOST_TEST_MESSAGE("soak: " << db.count("SELECT count(*) FROM events") << " events, "
                              << acknowledged.load() << " acknowledged appends");
  BOOST_CHECK_GT(acknowledged.load(), 100);
  check_exactly_once();
  // Per stream, versions are gapless.
  BOOST_CHECK_EQUAL(db.count("SELECT count(*) FROM (SELECT stream_id FROM events GROUP BY"
                             " stream_id HAVING max(stream_version) <> count(*)) g"),
                    0);
}

BOOST_FIXTURE_TEST_CASE(transaction_ids_order_as_numbers_not_as_text, Fixture) {
  // "100" < "97" as text: rows written with those transaction ids must still come 97 first.
  db.exec(
      "INSERT INTO events (epoch, tx_id, stream_id, stream_version, event_id, event_type, data,"
      " metadata) VALUES"
      " (1, '100'::xid8, 'order-1', 2, gen_random_uuid(), 'Second', '{}', '{}'),"
      " (1, '97'::xid8, 'order-1', 1, gen_random_uuid(), 'First', '{}', '{}')");
  const auto all = store.read_all(eventstore::Position::start(), 10);
  BOOST_REQUIRE_EQUAL(all.size(), 2u);
  BOOST_CHECK_EQUAL(all[0].type, "First");
  BOOST_CHECK_EQUAL(all[1].type, "Second");
  const auto after_first = store.read_all(all[0].position, 10);
  BOOST_REQUIRE_EQUAL(after_first.size(), 1u);
  BOOST_CHECK_EQUAL(after_first[0].type, "Second");
  BOOST_CHECK(store.head() == all[1].position);
}

BOOST_FIXTURE_TEST_CASE(a_filtered_page_hands_out_what_it_wants_and_reaches_its_last_event,
                        Fixture) {
  db.exec(
      "INSERT INTO events (epoch, tx_id, stream_id, stream_version, event_id, event_type, data,"
      " metadata) VALUES"
      " (1, '10'::xid8, 'page-1', 1, gen_random_uuid(), 'Wanted', '{\"n\":1}', '{}'),"
      " (1, '11'::xid8, 'page-1', 2, gen_random_uuid(), 'Other', '{\"n\":2}', '{}'),"
      " (1, '12'::xid8, 'page-1', 3, gen_random_uuid(), 'Wanted', '{\"n\":3}', '{}'),"
      " (1, '13'::xid8, 'page-1', 4, gen_random_uuid(), 'Other', '{\"n\":4}', '{}'),"
      " (1, '14'::xid8, 'page-1', 5, gen_random_uuid(), 'Other', '{\"n\":5}', '{}')");
  const auto all = store.read_all(eventstore::Position::start(), 10);
  BOOST_REQUIRE_EQUAL(all.size(), 5u);

  const eventstore::EventFilter wanted{{"Wanted"}, true};
  const auto first = store.read_page(eventstore::Position::start(), 4, wanted);
  BOOST_CHECK_EQUAL(first.scanned, 4u);
  BOOST_CHECK(first.reached == all[3].position);  // an unwanted event, looked at all the same
  BOOST_REQUIRE_EQUAL(first.events.size(), 2u);
  BOOST_CHECK_EQUAL(first.events[0].stream_version, 1);
  BOOST_CHECK_EQUAL(first.events[0].data, R"({"n": 1})");
  BOOST_CHECK_EQUAL(first.events[1].stream_version, 3);

  // A page with nothing wanted still moves the reader on.
  const auto second = store.read_page(first.reached, 4, wanted);
  BOOST_CHECK_EQUAL(second.scanned, 1u);
  BOOST_CHECK(second.reached == all[4].position);
  BOOST_CHECK(second.events.empty());

  const auto drained = store.read_page(second.reached, 4, wanted);
  BOOST_CHECK_EQUAL(drained.scanned, 0u);
  BOOST_CHECK(drained.reached == second.reached);

  const auto bare = store.read_page(eventstore::Position::start(), 10, {{}, false});
  BOOST_CHECK_EQUAL(bare.scanned, 5u);
  BOOST_REQUIRE_EQUAL(bare.events.size(), 5u);
  BOOST_CHECK(bare.events[1].data.empty());
  BOOST_CHECK_EQUAL(bare.events[1].type, "Other");
}
