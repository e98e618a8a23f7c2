// Append semantics against a real PostgreSQL: expected versions under contention, idempotent
// retries, the append-only log.
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "commands/command_context.hpp"
#include "eventstore/event_store.hpp"
#include "eventstore/reader.hpp"
#include "tests/support/append_request.hpp"
#include "tests/support/test_database.hpp"

using namespace switchboard;
using eventstore::AppendRequest;
using eventstore::AppendStatus;
using eventstore::ExpectedVersion;

namespace {}  // namespace

BOOST_AUTO_TEST_CASE(concurrent_writers_with_the_same_expected_version_exactly_one_wins) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url()});
  BOOST_REQUIRE(
      store.append(tests::append_request("race-1", 1, ExpectedVersion::no_stream())).succeeded());

  constexpr int kWriters = 32;
  constexpr int kRounds = 20;
  for (int round = 0; round < kRounds; ++round) {
    const auto version = store.read_stream("race-1").back().stream_version;
    std::atomic<int> wins{0}, conflicts{0};
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&] {
        auto r = store.append(tests::append_request("race-1", 2, ExpectedVersion::exact(version)));
        if (r.status == AppendStatus::ok) ++wins;
        if (r.status == AppendStatus::conflict) {
          BOOST_CHECK_GT(r.stream_version, version);
          ++conflicts;
        }
      });
    }
    for (auto& t : writers) t.join();
    BOOST_CHECK_EQUAL(wins.load(), 1);
    BOOST_CHECK_EQUAL(conflicts.load(), kWriters - 1);
  }

  const auto events = store.read_stream("race-1");
  BOOST_REQUIRE_EQUAL(events.size(), 1u + 2u * kRounds);
  for (std::size_t i = 0; i < events.size(); ++i) {
    BOOST_CHECK_EQUAL(events[i].stream_version, static_cast<std::int64_t>(i + 1));
  }
}

BOOST_AUTO_TEST_CASE(a_stream_read_backward_gives_the_newest_events_of_the_types_asked_for) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url()});
  // Versions 1..9: Opened, Noted, Closed, Opened, Noted, Closed, ...
  BOOST_REQUIRE(store
                    .append(tests::append_request("conn-1", 9, ExpectedVersion::no_stream(),
                                                  {"Opened", "Noted", "Closed"}))
                    .succeeded());
  BOOST_REQUIRE(store.append(tests::append_request("conn-2", 3)).succeeded());
  pqxx::connection c(db.app_url());
  pqxx::read_transaction tx(c);
  const auto versions = [&](const std::vector<std::string>& types, std::int64_t before,
                            std::size_t max_count) {
    std::vector<std::int64_t> out;
    for (const auto& e : eventstore::read_stream_backward(tx, "conn-1", types, before, max_count)) {
      BOOST_CHECK_EQUAL(e.stream_id, "conn-1");
      out.push_back(e.stream_version);
    }
    return out;
  };
  BOOST_CHECK((versions({"Closed"}, 100, 2) == std::vector<std::int64_t>{9, 6}));
  BOOST_CHECK((versions({"Closed"}, 6, 10) == std::vector<std::int64_t>{3}));
  BOOST_CHECK((versions({"Opened", "Noted"}, 100, 3) == std::vector<std::int64_t>{8, 7, 5}));
  BOOST_CHECK(versions({"Happened"}, 100, 10).empty());
  const auto newest = eventstore::read_stream_backward(tx, "conn-1", {"Noted"}, 100, 1);
  BOOST_REQUIRE_EQUAL(newest.size(), 1u);
  BOOST_CHECK_EQUAL(newest[0].type, "Noted");
  BOOST_CHECK_EQUAL(newest[0].data, R"({"n": 7})");
}

BOOST_AUTO_TEST_CASE(no_stream_and_exact_expectations_are_enforced) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url()});
  BOOST_CHECK(store.append(tests::append_request("acct-1", 1, ExpectedVersion::exact(3))).status ==
              AppendStatus::conflict);
  BOOST_CHECK(
      store.append(tests::append_request("acct-1", 3, ExpectedVersion::no_stream())).status ==
      AppendStatus::ok);
  const auto again = store.append(tests::append_request("acct-1", 1, ExpectedVersion::no_stream()));
  BOOST_CHECK(again.status == AppendStatus::conflict);
  BOOST_CHECK_EQUAL(again.stream_version, 3);
  BOOST_CHECK(store.append(tests::append_request("acct-1", 1, ExpectedVersion::any())).status ==
              AppendStatus::ok);
  BOOST_CHECK_EQUAL(store.read_stream("acct-1").size(), 4u);
  BOOST_CHECK_EQUAL(db.count("SELECT version FROM streams WHERE stream_id = 'acct-1'"), 4);
}

BOOST_AUTO_TEST_CASE(a_retried_append_returns_the_original_positions) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url()});
  const auto original = tests::append_request("order-7", 3, ExpectedVersion::no_stream());
  const auto first = store.append(original);
  BOOST_REQUIRE(first.status == AppendStatus::ok);

  // The same event ids again, as a client does when it never saw the answer.
  const auto retry = store.append(original);
  BOOST_CHECK(retry.status == AppendStatus::duplicate);
  BOOST_CHECK_EQUAL(retry.first_position, first.first_position);
  BOOST_CHECK_EQUAL(retry.last_position, first.last_position);
  BOOST_CHECK_EQUAL(retry.stream_version, 3);
  BOOST_CHECK_EQUAL(db.count("SELECT count(*) FROM events"), 3);
}

BOOST_AUTO_TEST_CASE(an_idempotency_key_answers_retries_and_refuses_another_payload) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url()});
  auto keyed = [](ExpectedVersion expected, const std::string& hash) {
    auto r = tests::append_request("cart-1", 2, expected);
    r.idempotency_key = "tenant-a:key-1";
    r.request_hash = hash;
    return r;
  };
  const auto first = store.append(keyed(ExpectedVersion::no_stream(), "hash-a"));
  BOOST_REQUIRE(first.status == AppendStatus::ok);

  // A retry builds new event ids but carries the same key and request: the original answer.
  const auto retry = store.append(keyed(ExpectedVersion::no_stream(), "hash-a"));
  BOOST_CHECK(retry.status == AppendStatus::duplicate);
  BOOST_CHECK_EQUAL(retry.first_position, first.first_position);
  BOOST_CHECK_EQUAL(retry.last_position, first.last_position);

  const auto other = store.append(keyed(ExpectedVersion::exact(2), "hash-b"));
  BOOST_CHECK(other.status == AppendStatus::idempotency_mismatch);
  BOOST_CHECK_EQUAL(db.count("SELECT count(*) FROM events"), 2);

  // A key whose append conflicted is released: the caller may retry with it.
  auto conflicting = tests::append_request("cart-2", 1, ExpectedVersion::exact(9));
  conflicting.idempotency_key = "tenant-a:key-2";
  conflicting.request_hash = "hash-c";
  BOOST_CHECK(store.append(conflicting).status == AppendStatus::conflict);
  conflicting.expected = ExpectedVersion::no_stream();
  BOOST_CHECK(store.append(conflicting).status == AppendStatus::ok);

  const auto seen = store.find_idempotency_key("tenant-a:key-1");
  BOOST_REQUIRE(seen.has_value());
  BOOST_CHECK_EQUAL(seen->request_hash, "hash-a");
  BOOST_CHECK_EQUAL(seen->result.last_position, first.last_position);
}

BOOST_AUTO_TEST_CASE(appends_survive_the_loss_of_every_database_connection) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url(), .flushers = 2});
  BOOST_REQUIRE(
      store.append(tests::append_request("conn-1", 1, ExpectedVersion::any())).succeeded());
  db.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db.name() +
          "' AND usename = 'switchboard_app'");
  BOOST_CHECK(store.append(tests::append_request("conn-1", 1, ExpectedVersion::any())).succeeded());
  BOOST_CHECK(store.append(tests::append_request("conn-1", 1, ExpectedVersion::any())).succeeded());
  BOOST_CHECK_EQUAL(store.read_stream("conn-1").size(), 3u);
}

BOOST_AUTO_TEST_CASE(the_application_role_cannot_rewrite_history) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url()});
  BOOST_REQUIRE(
      store.append(tests::append_request("audit-1", 1, ExpectedVersion::any())).succeeded());
  pqxx::connection app(db.app_url());
  for (const std::string sql :
       {"UPDATE events SET data = '{}'", "DELETE FROM events", "TRUNCATE events"}) {
    pqxx::work tx(app);
    BOOST_CHECK_THROW(tx.exec(sql), pqxx::sql_error);
  }
  // Not even the owner, by accident.
  BOOST_CHECK_THROW(db.exec("DELETE FROM events"), pqxx::sql_error);
  BOOST_CHECK_EQUAL(db.count("SELECT count(*) FROM events"), 1);
}

BOOST_AUTO_TEST_CASE(group_commit_shares_transactions_between_concurrent_appenders) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url(), .flushers = 1});
  constexpr int kAppenders = 64;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < kAppenders; ++i) {
    threads.emplace_back([&, i] {
      for (int n = 0; n < 20; ++n) {
        if (store.append(tests::append_request("gc-" + std::to_string(i))).succeeded()) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  BOOST_CHECK_EQUAL(ok.load(), kAppenders * 20);
  BOOST_CHECK_EQUAL(db.count("SELECT count(*) FROM events"), kAppenders * 20);
  // Fewer transactions than appends: commits were shared.
  BOOST_CHECK_LT(db.count("SELECT count(DISTINCT tx_id) FROM events"), kAppenders * 20);
}

// A bulk request's appends are queued at once: they share one transaction up to the batch's event
// limit, and past it go out as several, each request answered from its own.
BOOST_AUTO_TEST_CASE(appends_queued_together_share_a_transaction_up_to_the_event_limit) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url(), .max_batch_events = 10});
  const auto append_all = [&](const std::string& prefix, int streams) {
    std::vector<AppendRequest> requests;
    for (int i = 0; i < streams; ++i) {
      requests.push_back(tests::append_request(prefix + std::to_string(i), 2));
    }
    auto results = store.append_all(std::move(requests));
    for (auto& r : results) BOOST_CHECK(r.get().succeeded());
    return db.count("SELECT count(DISTINCT tx_id) FROM events WHERE stream_id LIKE '" + prefix +
                    "%'");
  };
  BOOST_CHECK_EQUAL(append_all("few-", 5), 1);
  BOOST_CHECK_GE(append_all("many-", 20), 4);
  BOOST_CHECK_EQUAL(db.count("SELECT count(*) FROM events"), 50);
}

BOOST_AUTO_TEST_CASE(one_requests_conflict_in_a_batch_fails_no_other_request) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url()});
  BOOST_REQUIRE(
      store.append(tests::append_request("mixed-1", 1, ExpectedVersion::no_stream())).succeeded());
  pqxx::connection c(db.app_url());
  pqxx::work tx(c);
  const auto rows = tx.exec(
      "SELECT idx, status, stream_version FROM append_batch('["
      R"({"s":"mixed-1","c":"mixed","e":5,"ev":[{"id":")" +
      commands::new_uuid() +
      R"(","t":"X","d":{}}]},)"
      R"({"s":"mixed-2","c":"mixed","e":0,"ev":[{"id":")" +
      commands::new_uuid() +
      R"(","t":"X","d":{}}]},)"
      R"({"s":"mixed-3","c":"mixed","e":-1,"ev":[{"id":")" +
      commands::new_uuid() + R"(","t":"X","d":{}}]}]'::jsonb) ORDER BY idx)");
  tx.commit();
  BOOST_REQUIRE_EQUAL(rows.size(), 3u);
  BOOST_CHECK_EQUAL(rows[0][1].c_str(), std::string("conflict"));
  BOOST_CHECK_EQUAL(rows[0][2].as<int>(), 1);
  BOOST_CHECK_EQUAL(rows[1][1].c_str(), std::string("ok"));
  BOOST_CHECK_EQUAL(rows[2][1].c_str(), std::string("ok"));
  BOOST_CHECK_EQUAL(db.count("SELECT count(*) FROM events"), 3);
}

// Every outcome in one call, keyed and not: the statement that swaps versions, inserts events and
// settles keys must number each accepted request from its own stream and touch no other.
BOOST_AUTO_TEST_CASE(one_batch_answers_every_outcome_and_settles_each_requests_key) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url()});
  const auto retried = tests::append_request("all-retry", 2, ExpectedVersion::no_stream());
  const auto first = store.append(retried);
  BOOST_REQUIRE(first.status == AppendStatus::ok);
  BOOST_REQUIRE(store.append(tests::append_request("all-exact", 3, ExpectedVersion::no_stream()))
                    .succeeded());
  const auto reused_id = retried.events.front().event_id;

  const auto event = [](const std::string& id) {
    return R"({"id":")" + id + R"(","t":"X","d":{}})";
  };
  const auto id = [] { return commands::new_uuid(); };
  pqxx::connection c(db.app_url());
  pqxx::work tx(c);
  const auto rows =
      tx.exec(std::string("SELECT idx, status, stream_version, first_position, last_position"
                          " FROM append_batch('[") +
              // 1: exact version, two events: versions 4 and 5, key remembered.
              R"({"s":"all-exact","c":"all","e":3,"k":"key-ok","h":"h1","ev":[)" + event(id()) +
              "," + event(id()) + "]}," +
              // 2: a stale exact version: conflict, its key released.
              R"({"s":"all-stale","c":"all","e":7,"k":"key-conflict","h":"h2","ev":[)" +
              event(id()) + "]}," +
              // 3: the retry of the first append: its original positions.
              R"({"s":"all-retry","c":"all","e":0,"ev":[)" + event(retried.events[0].event_id) +
              "," + event(retried.events[1].event_id) + "]}," +
              // 4: an event id recorded on another stream.
              R"({"s":"all-thief","c":"all","e":-1,"ev":[)" + event(reused_id) + "]}," +
              // 5: a new stream, three events.
              R"({"s":"all-new","c":"all","e":0,"k":"key-new","h":"h5","ev":[)" + event(id()) +
              "," + event(id()) + "," + event(id()) + "]}]'::jsonb) ORDER BY idx");
  tx.commit();
  BOOST_REQUIRE_EQUAL(rows.size(), 5u);
  const auto status = [&](int i) { return std::string(rows[i][1].c_str()); };
  BOOST_CHECK_EQUAL(status(0), "ok");
  BOOST_CHECK_EQUAL(rows[0][2].as<int>(), 5);
  BOOST_CHECK_EQUAL(rows[0][4].as<long long>() - rows[0][3].as<long long>(), 1);
  BOOST_CHECK_EQUAL(status(1), "conflict");
  BOOST_CHECK_EQUAL(rows[1][2].as<int>(), 0);
  BOOST_CHECK_EQUAL(status(2), "duplicate");
  BOOST_CHECK_EQUAL(rows[2][3].as<long long>(), first.first_position);
  BOOST_CHECK_EQUAL(rows[2][4].as<long long>(), first.last_position);
  BOOST_CHECK_EQUAL(status(3), "duplicate_event_id");
  BOOST_CHECK_EQUAL(status(4), "ok");
  BOOST_CHECK_EQUAL(rows[4][2].as<int>(), 3);
  BOOST_CHECK_EQUAL(rows[4][4].as<long long>() - rows[4][3].as<long long>(), 2);

  BOOST_CHECK_EQUAL(db.count("SELECT count(*) FROM events WHERE stream_id = 'all-exact'"
                             " AND stream_version IN (4, 5)"),
                    2);
  BOOST_CHECK_EQUAL(db.count("SELECT count(*) FROM events WHERE stream_id = 'all-new'"
                             " AND stream_version BETWEEN 1 AND 3"),
                    3);
  BOOST_CHECK_EQUAL(db.count("SELECT count(*) FROM events WHERE stream_id IN"
                             " ('all-stale', 'all-thief')"),
                    0);
  BOOST_CHECK_EQUAL(db.count("SELECT count(*) FROM streams WHERE stream_id IN"
                             " ('all-stale', 'all-thief')"),
                    0);
  BOOST_CHECK_EQUAL(db.count("SELECT version FROM streams WHERE stream_id = 'all-exact'"), 5);
  // The accepted requests' keys hold their results; the conflicting one's is free again.
  BOOST_CHECK_EQUAL(db.count("SELECT count(*) FROM idempotency_keys WHERE key = 'key-conflict'"),
                    0);
  BOOST_CHECK_EQUAL(
      db.count("SELECT count(*) FROM idempotency_keys k JOIN events e"
               " ON e.global_position = k.last_position AND e.stream_id = k.stream_id"
               " WHERE (k.key = 'key-ok' AND k.stream_version = 5 AND e.stream_version = 5)"
               "  OR (k.key = 'key-new' AND k.stream_version = 3 AND e.stream_version = 3)"),
      2);
  BOOST_CHECK_EQUAL(db.count("SELECT count(*) FROM events"), 2 + 3 + 2 + 3);
}

// A retry sent while its original is still committing, to a stream the original creates: the
// retry waits for the stream's lock and answers with the original positions, not a conflict
// (a row lock could not cover a stream that had no row yet).
BOOST_AUTO_TEST_CASE(a_retry_racing_its_original_onto_a_new_stream_gets_the_original_result) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url()});
  const auto original = tests::append_request("racing-1", 2, ExpectedVersion::no_stream());
  std::string events;
  for (const auto& e : original.events) {
    events +=
        std::string(events.empty() ? "" : ",") + R"({"id":")" + e.event_id + R"(","t":"X","d":{}})";
  }
  const auto call = R"(SELECT status, first_position FROM append_batch('[{"s":"racing-1",)"
                    R"("c":"racing","e":0,"ev":[)" +
                    events + "]}]'::jsonb)";

  pqxx::connection first_connection(db.app_url());
  pqxx::work first(first_connection);
  const auto appended = first.exec1(call);
  BOOST_REQUIRE_EQUAL(appended[0].c_str(), std::string("ok"));

  std::atomic<bool> answered{false};
  std::string retry_status;
  long long retry_first = 0;
  std::thread retry([&] {
    pqxx::connection c(db.app_url());
    pqxx::work tx(c);
    const auto row = tx.exec1(call);
    retry_status = row[0].c_str();
    retry_first = row[1].is_null() ? 0 : row[1].as<long long>();
    tx.commit();
    answered = true;
  });
  // The retry waits for the original's lock on the stream.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  BOOST_CHECK(!answered.load());
  first.commit();
  retry.join();
  BOOST_CHECK_EQUAL(retry_status, "duplicate");
  BOOST_CHECK_EQUAL(retry_first, appended[1].as<long long>());
  BOOST_CHECK_EQUAL(db.count("SELECT count(*) FROM events"), 2);
}

// The tables that grow with every message are analyzed from a small sample, and not their bodies:
// autovacuum analyzes them whenever they grew by a tenth, and sampling 30,000 rows with their
// jsonb took a core for a third of a second each time (migration 0051).
BOOST_AUTO_TEST_CASE(the_log_is_analyzed_from_a_small_sample_without_its_bodies) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url()});
  for (int i = 0; i < 40; ++i) {
    BOOST_REQUIRE(store
                      .append(tests::append_request("sampled-" + std::to_string(i % 4), 5,
                                                    ExpectedVersion::any(), {"A", "B", "C"}))
                      .succeeded());
  }
  db.exec("ANALYZE events");
  const auto stats = [&](const std::string& column) {
    return db.count("SELECT count(*) FROM pg_stats WHERE tablename = 'events' AND attname = '" +
                    column + "'");
  };
  BOOST_CHECK_EQUAL(stats("event_type"), 1);
  BOOST_CHECK_EQUAL(stats("stream_id"), 1);
  BOOST_CHECK_EQUAL(stats("data"), 0);
  BOOST_CHECK_EQUAL(stats("metadata"), 0);
  for (const auto* table : {"events", "messaging_messages"}) {
    BOOST_CHECK_EQUAL(db.count(std::string("SELECT max(attstattarget) FROM pg_attribute WHERE "
                                           "attnum > 0 AND NOT attisdropped AND attrelid = '") +
                               table + "'::regclass"),
                      10);
  }
  BOOST_CHECK_EQUAL(db.count("SELECT max(attstattarget) FROM pg_attribute WHERE attrelid IN "
                             "('events_correlation'::regclass, 'events_tenant'::regclass)"),
                    10);
}
