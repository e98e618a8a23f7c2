// A projection is woken only for the event types it reads (eventstore/notifier.hpp) and is not
// counted behind on the others; its checkpoint still passes them whenever someone needs it to: a
// wait for a position, a wait for the whole runner. A wanted append hidden by an older open
// transaction is read as soon as that transaction ends, though it appended nothing wanted.
#include "projections/runner.hpp"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <pqxx/pqxx>
#include <thread>

#include "commands/command_context.hpp"
#include "eventstore/event_store.hpp"
#include "projections/checkpoint.hpp"
#include "tests/support/append_request.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/recording_projection.hpp"
#include "tests/support/test_database.hpp"

using namespace switchboard;
using namespace std::chrono_literals;
using switchboard::tests::eventually;

namespace {

constexpr std::chrono::milliseconds kSoon = 5s;

struct Fixture {
  tests::TestDatabase db;
  eventstore::EventStore store{{.database_url = db.app_url()}};
  // What the projection does within kSoon, a notification made it do. It still polls: an open
  // transaction of another test's database hides events from every reader of the cluster, and
  // its end notifies only that database.
  projections::ProjectionRunner runner{
      store,
      {std::make_shared<tests::RecordingProjection>(std::vector<std::string>{"Wanted"})},
      {.database_url = db.app_url(), .batch_size = 100, .poll_interval = 2 * kSoon}};

  Fixture() {
    tests::RecordingProjection::create_table(db.admin_url());
    runner.start();
    // Started and listening; the listener's first act, a wake-up for whatever was appended
    // before it listened, has been read too.
    BOOST_REQUIRE(eventually([&] {
      return checkpoint() == 0 &&
             db.count(
                 "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                 " AND query ILIKE 'LISTEN%'") == 1;
    }));
    std::this_thread::sleep_for(300ms);
  }

  std::int64_t append(const std::string& stream, const std::string& type) {
    const auto r =
        store.append(tests::append_request(stream, 1, eventstore::ExpectedVersion::any(), {type}));
    BOOST_REQUIRE(r.succeeded());
    return r.last_position;
  }
  long long checkpoint() const {
    return db.count(
        "SELECT coalesce((SELECT global_position FROM projection_checkpoints"
        " WHERE name = 'recorder'), -1)");
  }
  long long seen() const { return db.count("SELECT count(*) FROM seen_events"); }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(projection_runner, Fixture)

BOOST_AUTO_TEST_CASE(a_projection_sleeps_through_events_it_does_not_read) {
  const auto other = append("other-1", "Other");
  std::this_thread::sleep_for(500ms);
  BOOST_TEST(checkpoint() < other);
  // Nor is it behind on them.
  BOOST_TEST(runner.status().at(0).events_behind == 0);

  const auto wanted = append("wanted-1", "Wanted");
  BOOST_REQUIRE(eventually([&] { return seen() == 1; }));
  BOOST_TEST(checkpoint() >= wanted);
}

BOOST_AUTO_TEST_CASE(a_wait_for_a_position_it_does_not_read_wakes_it) {
  const auto other = append("other-1", "Other");
  pqxx::connection c(db.app_url());
  BOOST_TEST(projections::wait_applied(c, "recorder", other, kSoon));
  BOOST_TEST(checkpoint() >= other);
  BOOST_TEST(seen() == 0);
}

BOOST_AUTO_TEST_CASE(waiting_for_the_runner_wakes_every_projection) {
  const auto other = append("other-1", "Other");
  BOOST_TEST(runner.wait_caught_up(kSoon));
  BOOST_TEST(checkpoint() >= other);
}

BOOST_AUTO_TEST_CASE(a_wanted_append_hidden_by_an_older_transaction_is_read_when_it_ends) {
  pqxx::connection held(db.app_url());
  pqxx::work older(held);
  older.exec(R"(SELECT * FROM append_batch('[{"s":"other-1","c":"other","e":-1,"ev":[{"id":")" +
             commands::new_uuid() + R"(","t":"Other","d":{}}]}]'::jsonb))");

  append("wanted-1", "Wanted");
  // Woken, the projection read nothing: the older transaction hides the later commit.
  std::this_thread::sleep_for(500ms);
  BOOST_TEST(seen() == 0);

  // Its end notifies of an event the projection does not read; that still wakes it.
  older.commit();
  BOOST_TEST(eventually([&] { return seen() == 1; }, kSoon));
}

BOOST_AUTO_TEST_SUITE_END()
