// ReadModelWatch against a real PostgreSQL: a notification outdates only the key it names, a
// rebuild's notice and a lost connection outdate everything, and nothing may be served from memory
// before the watch listens.
#include "api/cache/read_model_watch.hpp"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <functional>
#include <pqxx/pqxx>
#include <thread>

#include "projections/rebuild.hpp"
#include "tests/support/test_database.hpp"

using namespace switchboard;
using api::cache::ReadModelWatch;

namespace {

constexpr auto lists = ReadModelWatch::chat_lists;

void eventually(const std::function<bool()>& done, const std::string& what) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{20};
  while (!done()) {
    BOOST_REQUIRE_MESSAGE(std::chrono::steady_clock::now() < deadline, what);
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
}

void notify(const tests::TestDatabase& db, std::string_view channel, const std::string& payload) {
  pqxx::connection c(db.admin_url());
  pqxx::nontransaction tx(c);
  tx.exec_params("SELECT pg_notify($1, $2)", std::string(channel), payload);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(read_model_watch)

BOOST_AUTO_TEST_CASE(a_notification_outdates_only_the_key_it_names) {
  tests::TestDatabase db;
  ReadModelWatch watch(db.app_url());
  BOOST_TEST(watch.stamp(lists, "acme") == 0u);  // not started: nothing may be cached
  watch.start();
  eventually([&] { return watch.stamp(lists, "acme") != 0; }, "the watch never listened");
  const auto acme = watch.stamp(lists, "acme");
  const auto globex = watch.stamp(lists, "globex");
  const auto token = watch.stamp(ReadModelWatch::revoked_tokens, "acme");

  notify(db, lists, "acme");
  eventually([&] { return watch.stamp(lists, "acme") != acme; }, "acme's lists stayed valid");
  BOOST_TEST(watch.stamp(lists, "acme") != 0u);
  BOOST_TEST(watch.stamp(lists, "globex") == globex);
  // The same key on another channel is another thing.
  BOOST_TEST(watch.stamp(ReadModelWatch::revoked_tokens, "acme") == token);

  notify(db, ReadModelWatch::revoked_tokens, "acme");
  eventually([&] { return watch.stamp(ReadModelWatch::revoked_tokens, "acme") != token; },
             "the revocation was not heard");
  watch.stop();
  BOOST_TEST(watch.stamp(lists, "globex") == 0u);
}

BOOST_AUTO_TEST_CASE(a_rebuild_and_a_lost_connection_outdate_everything) {
  tests::TestDatabase db;
  ReadModelWatch watch(db.app_url());
  watch.start();
  eventually([&] { return watch.stamp(lists, "acme") != 0; }, "the watch never listened");
  auto acme = watch.stamp(lists, "acme");
  auto globex = watch.stamp(lists, "globex");

  notify(db, projections::rebuilt_channel, "messaging");
  eventually([&] { return watch.stamp(lists, "acme") != acme; }, "the rebuild was not heard");
  BOOST_TEST(watch.stamp(lists, "globex") != globex);
  acme = watch.stamp(lists, "acme");
  globex = watch.stamp(lists, "globex");

  // Notifications sent while the connection is down are lost: whatever was cached is outdated.
  {
    pqxx::connection c(db.admin_url());
    pqxx::nontransaction tx(c);
    const auto killed = tx.exec(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
        " AND pid <> pg_backend_pid() AND backend_type = 'client backend'");
    BOOST_REQUIRE(!killed.empty());
  }
  eventually(
      [&] {
        const auto now = watch.stamp(lists, "acme");
        return now != 0 && now != acme;
      },
      "the watch did not listen again with new stamps");
  BOOST_TEST(watch.stamp(lists, "globex") != globex);
  // Listening again: notifications work as before.
  acme = watch.stamp(lists, "acme");
  notify(db, lists, "acme");
  eventually([&] { return watch.stamp(lists, "acme") != acme; }, "acme's lists stayed valid");
}

BOOST_AUTO_TEST_SUITE_END()
