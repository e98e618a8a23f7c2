// Crashes: a client killed mid-batch leaves nothing of its batch and loses nothing acknowledged;
// projections resume from their checkpoints after a restart or a lost connection.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdio>
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

// psql as the client: BEGIN, a 500-event batch, then it hangs until killed.
pid_t start_killable_client(const std::string& url) {
  std::string batch = R"([{"s":"killed-1","c":"killed","e":-1,"ev":[)";
  for (int i = 0; i < 500; ++i) {
    if (i > 0) batch += ',';
    batch += R"({"id":")" + commands::new_uuid() + R"(","t":"Doomed","d":{}})";
  }
  batch += "]}]";
  const pid_t pid = fork();
  if (pid == 0) {
    freopen("/dev/null", "w", stdout);
    const std::string append = "SELECT count(*) FROM append_batch('" + batch + "'::jsonb)";
    execlp("psql", "psql", "-q", "-X", url.c_str(), "-c",
           "SET client_connection_check_interval = '100ms'", "-c", "BEGIN", "-c", append.c_str(),
           "-c", "SELECT pg_sleep(120)", static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_client_killed_mid_batch_leaves_no_partial_batch) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url()});
  for (int i = 0; i < 50; ++i)
    BOOST_REQUIRE(store.append(tests::append_request("kept-1", 2)).succeeded());

  const pid_t client = start_killable_client(db.app_url());
  // Wait until its batch is written but not committed.
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (db.count("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%'") ==
         0) {
    BOOST_REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(20ms);
  }
  kill(client, SIGKILL);
  waitpid(client, nullptr, 0);
  while (db.count("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%'") >
         0) {
    BOOST_REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(20ms);
  }

  BOOST_CHECK_EQUAL(db.count("SELECT count(*) FROM events WHERE stream_id = 'killed-1'"), 0);
  BOOST_CHECK_EQUAL(db.count("SELECT count(*) FROM streams WHERE stream_id = 'killed-1'"), 0);
  BOOST_CHECK_EQUAL(db.count("SELECT count(*) FROM events WHERE stream_id = 'kept-1'"), 100);
  // The store goes on: nothing is stuck behind the dead transaction.
  BOOST_CHECK(store.append(tests::append_request("killed-1")).succeeded());
  // Readers hold back events behind transactions still in flight; the dead backend's may take a
  // moment to leave the server after its session is gone.
  std::size_t read = 0;
  while ((read = store.read_all(eventstore::Position::start(), 1000).size()) != 101u &&
         std::chrono::steady_clock::now() < deadline + 10s) {
    std::this_thread::sleep_for(20ms);
  }
  BOOST_CHECK_EQUAL(read, 101u);
}

BOOST_AUTO_TEST_CASE(projections_resume_from_their_checkpoints) {
  tests::TestDatabase db;
  tests::RecordingProjection::create_table(db.admin_url());
  eventstore::EventStore store({.database_url = db.app_url()});
  auto make_runner = [&] {
    return std::make_unique<projections::ProjectionRunner>(
        store,
        std::vector<std::shared_ptr<projections::Projection>>{
            std::make_shared<tests::RecordingProjection>()},
        projections::RunnerOptions{
            .database_url = db.app_url(), .batch_size = 7, .poll_interval = 100ms});
  };

  for (int i = 0; i < 100; ++i)
    BOOST_REQUIRE(store.append(tests::append_request("r-" + std::to_string(i % 9))).succeeded());
  {
    auto first = make_runner();
    first->start();
    BOOST_REQUIRE(first->wait_caught_up(20s));
  }  // the first process stops here
  for (int i = 0; i < 100; ++i)
    BOOST_REQUIRE(store.append(tests::append_request("r-" + std::to_string(i % 9))).succeeded());

  auto second = make_runner();
  second->start();
  // Lose every connection while it works: the interrupted batch is applied once, later.
  std::thread writer([&] {
    for (int i = 0; i < 200; ++i) store.append(tests::append_request("r-" + std::to_string(i % 9)));
  });
  std::this_thread::sleep_for(50ms);
  db.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db.name() +
          "' AND usename = 'switchboard_app'");
  writer.join();
  BOOST_REQUIRE(second->wait_caught_up(30s));

  BOOST_CHECK_EQUAL(db.count("SELECT count(*) FROM seen_events"),
                    db.count("SELECT count(*) FROM events"));
  BOOST_CHECK_EQUAL(db.count("SELECT count(*) - count(DISTINCT event_id) FROM seen_events"), 0);
  BOOST_CHECK_EQUAL(db.count("SELECT events_applied FROM projection_checkpoints"
                             " WHERE name = 'recorder'"),
                    db.count("SELECT count(*) FROM events"));
}
