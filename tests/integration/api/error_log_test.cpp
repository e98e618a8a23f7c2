// The public API's error log against a real PostgreSQL: the retention purge deletes only rows
// past the retention, and paths no route took are kept only for a caller the log can name.
#include "api/errors/error_log.hpp"

#include <boost/test/unit_test.hpp>
#include <pqxx/pqxx>
#include <thread>

#include "commands/access/access_commands.hpp"
#include "eventstore/connection_pool.hpp"
#include "tests/support/database_outage.hpp"

using namespace switchboard;
using api::errors::ErrorLog;

namespace {

void insert_row(const tests::TestDatabase& db, const std::string& request_id,
                const std::string& age) {
  db.exec(
      "INSERT INTO error_log (recorded_at, source, tenant_id, provider_code, method, route,"
      " status, problem, request_id) VALUES (now() - interval '" +
      age + "', 'public_api', 'acme', 'chatline', 'POST', '/public/v1/messages', 400, '{}', '" +
      request_id + "')");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(error_log)

BOOST_AUTO_TEST_CASE(the_purge_deletes_rows_past_the_retention_and_keeps_newer_ones) {
  tests::TestDatabase db;
  insert_row(db, "ancient", "400 days");
  insert_row(db, "just-past", "30 days 1 hour");
  insert_row(db, "just-within", "29 days 23 hours");
  insert_row(db, "fresh", "1 second");
  eventstore::ConnectionPool pool(db.app_url(), 1);
  ErrorLog log(pool, 30);

  BOOST_TEST(log.purge() == 2);
  BOOST_TEST(
      db.count("SELECT count(*) FROM error_log WHERE request_id IN ('just-within', 'fresh')") == 2);
  BOOST_TEST(db.count("SELECT count(*) FROM error_log") == 2);
  BOOST_TEST(log.purge() == 0);
}

BOOST_AUTO_TEST_CASE(unmatched_paths_are_kept_only_for_a_known_client_token) {
  tests::TestDatabase db;
  const std::string token = "a-client-token-of-acme";
  db.exec(
      "INSERT INTO messaging_connections (tenant_id, provider_code, app_id, token_sha256,"
      " token_sealed, has_history, active, activated_at, updated_at) VALUES ('acme', 'chatline',"
      " 'app-chatline', '" +
      commands::access::token_sha256(token) + "', 'sealed', false, true, now(), now())");
  eventstore::ConnectionPool pool(db.app_url(), 1);
  {
    ErrorLog log(pool, 30);
    log.start();
    const auto report = [&](const char* route, const std::string& authorization) {
      log.record({"GET", route, std::string{route} + authorization, authorization, 404, "{}"});
    };
    report(api::http::kUnmatchedRoute, "Bearer " + token);
    report(api::http::kUnmatchedRoute, "Bearer somebody-else");
    report(api::http::kUnmatchedRoute, "");
    // A matched route's error is kept whoever called.
    report("/public/v1/chats/:chat_id/read", "Bearer somebody-else");
    log.stop();
  }
  BOOST_TEST(db.count("SELECT count(*) FROM error_log") == 2);
  BOOST_TEST(db.count("SELECT count(*) FROM error_log WHERE route = '(unmatched)' AND"
                      " tenant_id = 'acme' AND provider_code = 'chatline'") == 1);
  BOOST_TEST(db.count("SELECT count(*) FROM error_log WHERE route <> '(unmatched)' AND"
                      " tenant_id IS NULL") == 1);
}

// The authenticator knows only tokens valid now; the log names the owner of a deactivated one
// too, since its 401s are what the provider most needs to see (docs/guides/messaging, the error
// log).
BOOST_AUTO_TEST_CASE(a_deactivated_client_token_still_names_its_tenant_and_provider) {
  tests::TestDatabase db;
  const std::string token = "a-deactivated-client-token-of-acme";
  db.exec(
      "INSERT INTO messaging_connections (tenant_id, provider_code, app_id, token_sha256,"
      " token_sealed, has_history, active, reason, activated_at, updated_at) VALUES ('acme',"
      " 'chatline', 'app-chatline', '" +
      commands::access::token_sha256(token) +
      "', 'sealed', false, false, 'deactivated', now(), now())");
  eventstore::ConnectionPool pool(db.app_url(), 1);
  {
    ErrorLog log(pool, 30);
    log.start();
    log.record({"POST", "/public/v1/messages", "refused", "bearer " + token, 401, "{}"});
    log.record({"GET", api::http::kUnmatchedRoute, "unmatched", "Bearer " + token, 404, "{}"});
    log.stop();
  }
  BOOST_TEST(db.count("SELECT count(*) FROM error_log WHERE tenant_id = 'acme' AND"
                      " provider_code = 'chatline' AND request_id IN ('refused', 'unmatched')") ==
             2);
}

// Every batch looks its callers up by token hash among all connections, deactivated ones
// included, which the unique index on the active connections' tokens cannot serve: an index must,
// not a read of every connection per batch. With sequential scans priced out, the planner reads
// messaging_connections through an index if any fits the statement.
BOOST_AUTO_TEST_CASE(callers_are_looked_up_through_an_index) {
  tests::TestDatabase db;
  pqxx::connection c(db.app_url());
  pqxx::work tx(c);
  tx.exec("SET LOCAL enable_seqscan = off");
  tx.exec(std::string("PREPARE store_reports AS ") + api::errors::kStoreReports);
  std::string plan;
  for (const auto& row : tx.exec("EXPLAIN EXECUTE store_reports('{GET}', '{/public/v1/chats}',"
                                 " '{404}', '{\"{}\"}', '{r-1}', '{ab12}', '(unmatched)')")) {
    plan += std::string(row[0].c_str()) + '\n';
  }
  BOOST_TEST(plan.find("Seq Scan on messaging_connections") == std::string::npos, plan);
  BOOST_TEST(plan.find("Index Scan using messaging_connections_") != std::string::npos, plan);
}

BOOST_AUTO_TEST_CASE(probing_paths_with_a_token_nobody_has_crowds_out_no_real_error) {
  tests::TestDatabase db;
  eventstore::ConnectionPool pool(db.app_url(), 1);
  ErrorLog log(pool, 30);
  log.start();
  const auto probe = [&](int i) {
    log.record({"GET", api::http::kUnmatchedRoute, "probe-" + std::to_string(i), "Bearer nobody",
                404, "{}"});
  };
  // The writer looks the token up once, with a real error, and then knows it is nobody's.
  probe(0);
  log.record({"POST", "/public/v1/messages", "first", "Bearer nobody", 400, "{}"});
  for (int i = 0; i < 200 && db.count("SELECT count(*) FROM error_log") == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  BOOST_REQUIRE(db.count("SELECT count(*) FROM error_log WHERE request_id = 'first'") == 1);

  // More probes than the queue holds, faster than the writer could look them up one by one:
  // none takes the place of the real error that follows.
  for (int i = 1; i <= 150'000; ++i) probe(i);
  log.record({"POST", "/public/v1/messages", "second", "Bearer nobody", 400, "{}"});
  log.stop();
  BOOST_TEST(log.dropped() == 0u);
  BOOST_TEST(db.count("SELECT count(*) FROM error_log WHERE request_id = 'second'") == 1);
  BOOST_TEST(db.count("SELECT count(*) FROM error_log WHERE route = '(unmatched)'") == 0);
}

BOOST_AUTO_TEST_CASE(stop_stores_every_queued_report_batch_by_batch) {
  tests::TestDatabase db;
  eventstore::ConnectionPool pool(db.app_url(), 1);
  ErrorLog log(pool, 30);
  log.start();
  for (int i = 0; i < 2'500; ++i) {
    log.record({"POST", "/public/v1/messages", "r-" + std::to_string(i), "", 400, "{}"});
  }
  log.stop();
  BOOST_TEST(log.dropped() == 0u);
  BOOST_TEST(db.count("SELECT count(*) FROM error_log") == 2'500);
}

BOOST_AUTO_TEST_CASE(stop_with_the_database_gone_is_bounded_and_counts_what_it_could_not_store) {
  tests::TestDatabase db;
  eventstore::ConnectionPool pool(db.app_url(), 1);
  ErrorLog log(pool, 30);
  log.start();
  tests::set_reachable(db, false);
  // More than one batch: the writer used to try the first one again and again at stop.
  for (int i = 0; i < 2'500; ++i) {
    log.record({"POST", "/public/v1/messages", "r-" + std::to_string(i), "", 400, "{}"});
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // a first failed flush, likely
  const auto started = std::chrono::steady_clock::now();
  log.stop();
  BOOST_TEST((std::chrono::steady_clock::now() - started < std::chrono::seconds{5}));
  BOOST_TEST(log.dropped() == 2'500u);
  tests::set_reachable(db, true);
  BOOST_TEST(db.count("SELECT count(*) FROM error_log") == 0);
}

BOOST_AUTO_TEST_SUITE_END()
