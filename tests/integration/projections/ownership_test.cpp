// Several nodes run the same projections on one database: exactly one applies each projection
// (and publishes each reactor's messages), and another takes over when it stops.
#include "projections/ownership.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <pqxx/pqxx>
#include <thread>

#include "eventstore/connection_string.hpp"
#include "eventstore/event_store.hpp"
#include "projections/reactor.hpp"
#include "projections/registry.hpp"
#include "projections/runner.hpp"
#include "tests/support/append_request.hpp"
#include "tests/support/test_database.hpp"

using namespace switchboard;
using namespace std::chrono_literals;

namespace {

// Counts the events handed to it on every node, so work done twice shows even when the
// loser's transaction rolls back; the primary key makes a second application an error.
class CountingProjection final : public projections::Projection {
 public:
  explicit CountingProjection(std::atomic<int>& handed) : handed_(handed) {}

  static void create_table(const std::string& admin_url) {
    pqxx::connection c(admin_url);
    pqxx::nontransaction(c).exec("CREATE TABLE counted_events (event_id uuid PRIMARY KEY)");
  }

  std::string name() const override { return "counted"; }
  std::vector<std::string> tables() const override { return {"counted_events"}; }
  void apply(pqxx::transaction_base& tx,
             std::span<const eventstore::RecordedEvent> events) override {
    handed_ += static_cast<int>(events.size());
    for (const auto& e : events) {
      tx.exec_params("INSERT INTO counted_events (event_id) VALUES ($1::uuid)", e.event_id);
    }
  }

 private:
  std::atomic<int>& handed_;
};

// Every node's broker: counts how often each message id was published.
class CountingPublisher final : public projections::Publisher {
 public:
  bool publish(const std::vector<projections::OutboundMessage>& messages, std::string&) override {
    std::lock_guard lock(mutex_);
    for (const auto& m : messages) ++published_[m.message_id];
    return true;
  }

  std::map<std::string, int> published() {
    std::lock_guard lock(mutex_);
    return published_;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, int> published_;
};

class EchoReactor final : public projections::Reactor {
 public:
  using Reactor::Reactor;
  std::string name() const override { return "echo"; }

 protected:
  std::vector<projections::OutboundMessage> react(pqxx::transaction_base&,
                                                  const eventstore::RecordedEvent& e) override {
    return {{"test.echo", e.event_id, e.type}};
  }
};

struct Node {
  Node(eventstore::EventStore& store, const tests::TestDatabase& db, std::atomic<int>& handed,
       std::shared_ptr<CountingPublisher> publisher)
      : runner(store,
               {std::make_shared<CountingProjection>(handed),
                std::make_shared<EchoReactor>(std::move(publisher))},
               // Small batches and a short poll: many chances to race, quick takeovers.
               {.database_url = db.app_url(), .batch_size = 7, .poll_interval = 100ms}) {}

  bool owns(const std::string& name) {
    for (const auto& s : runner.status()) {
      if (s.name == name) return s.owned;
    }
    return false;
  }

  projections::ProjectionRunner runner;
};

// An option of the connection's own socket (the node's end).
int socket_option(pqxx::connection& c, int level, int name) {
  int value = 0;
  socklen_t size = sizeof value;
  BOOST_REQUIRE_EQUAL(getsockopt(c.sock(), level, name, &value, &size), 0);
  return value;
}

std::string show(pqxx::connection& c, const std::string& setting) {
  return pqxx::nontransaction(c).exec("SHOW " + setting)[0][0].as<std::string>();
}

struct Cluster {
  Cluster() { CountingProjection::create_table(db.admin_url()); }

  void append(int appends) {
    for (int i = 0; i < appends; ++i) {
      BOOST_REQUIRE(
          store.append(tests::append_request("thing-" + std::to_string(i % 13), 3)).succeeded());
    }
  }

  // Until one of the nodes owns both, or the timeout.
  Node* owner(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      for (auto* node : {&a, &b}) {
        if (node->owns("counted") && node->owns("echo")) return node;
      }
      std::this_thread::sleep_for(20ms);
    }
    return nullptr;
  }

  void check_applied_once() {
    const auto events = db.count("SELECT count(*) FROM events");
    BOOST_CHECK_EQUAL(db.count("SELECT count(*) FROM counted_events"), events);
    BOOST_CHECK_EQUAL(handed.load(), events);
    const auto published = publisher->published();
    BOOST_CHECK_EQUAL(static_cast<long long>(published.size()), events);
    const auto published_again = std::count_if(published.begin(), published.end(),
                                               [](const auto& m) { return m.second > 1; });
    BOOST_CHECK_EQUAL(published_again, 0);
  }

  // Exactly one node owns each projection, and both see its session as the owner's.
  void check_one_owner() {
    const auto of_a = a.runner.status();
    const auto of_b = b.runner.status();
    BOOST_REQUIRE_EQUAL(of_a.size(), of_b.size());
    for (std::size_t i = 0; i < of_a.size(); ++i) {
      BOOST_TEST_CONTEXT(of_a[i].name) {
        BOOST_CHECK(of_a[i].owned != of_b[i].owned);
        BOOST_CHECK(!of_a[i].owner.empty());
        BOOST_CHECK_EQUAL(of_a[i].owner, of_b[i].owner);
      }
    }
  }

  tests::TestDatabase db;
  eventstore::EventStore store{{.database_url = db.app_url()}};
  std::atomic<int> handed{0};
  std::shared_ptr<CountingPublisher> publisher = std::make_shared<CountingPublisher>();
  Node a{store, db, handed, publisher};
  Node b{store, db, handed, publisher};
};

}  // namespace

BOOST_AUTO_TEST_CASE(ownership_keys_are_distinct_and_outside_the_other_locks) {
  std::vector<std::string> names;
  for (const auto& r : projections::reactor_followers()) names.push_back(r.name);
  for (const auto& p : projections::all_projections()) names.push_back(p->name());
  BOOST_CHECK_NO_THROW(projections::check_ownership_keys(names));
  for (const auto& name : names) {
    const auto key = projections::ownership_key(name);
    // Not a hashtext() key (the delivery and CTI owners) nor the migrations' lock.
    BOOST_CHECK(key > std::int64_t{1} << 32);
    BOOST_CHECK_NE(key, std::int64_t{0x5357424d49475254});
  }
  BOOST_CHECK_EQUAL(projections::ownership_key("counted"), projections::ownership_key("counted"));
  BOOST_CHECK_NE(projections::ownership_key("counted"), projections::ownership_key("echo"));
}

BOOST_AUTO_TEST_CASE(two_nodes_apply_and_publish_each_event_once) {
  Cluster cluster;
  cluster.a.runner.start();
  cluster.b.runner.start();
  // Appends while both run: each batch is there for both to take.
  cluster.append(60);
  BOOST_REQUIRE(cluster.a.runner.wait_caught_up(30s));
  BOOST_REQUIRE(cluster.b.runner.wait_caught_up(30s));

  cluster.check_applied_once();
  cluster.check_one_owner();
  for (auto* node : {&cluster.a, &cluster.b}) {
    for (const auto& s : node->runner.status()) {
      BOOST_TEST_CONTEXT(s.name) {
        BOOST_CHECK_EQUAL(s.last_error, "");
        BOOST_CHECK_EQUAL(s.events_behind, 0);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(another_node_takes_over_when_the_owner_stops) {
  Cluster cluster;
  cluster.a.runner.start();
  auto* first = cluster.owner(10s);
  BOOST_REQUIRE(first == &cluster.a);
  cluster.b.runner.start();
  cluster.append(20);
  BOOST_REQUIRE(cluster.b.runner.wait_caught_up(30s));
  BOOST_CHECK(!cluster.b.owns("counted"));
  BOOST_CHECK(!cluster.b.owns("echo"));

  // Stopping closes the owner's sessions, which releases its locks.
  cluster.a.runner.stop();
  const auto stopped = std::chrono::steady_clock::now();
  cluster.append(20);
  BOOST_REQUIRE(cluster.owner(10s) == &cluster.b);
  BOOST_CHECK_LT(std::chrono::steady_clock::now() - stopped, 3s);
  BOOST_REQUIRE(cluster.b.runner.wait_caught_up(30s));
  cluster.check_applied_once();
  for (const auto& s : cluster.b.runner.status()) {
    BOOST_TEST_CONTEXT(s.name) {
      BOOST_CHECK_EQUAL(s.last_error, "");
      BOOST_CHECK_EQUAL(s.events_behind, 0);
      BOOST_CHECK_EQUAL(s.events_applied, static_cast<std::uint64_t>(
                                              cluster.db.count("SELECT count(*) FROM events")));
    }
  }
}

BOOST_AUTO_TEST_CASE(a_runner_that_lost_its_session_steps_down) {
  Cluster cluster;
  cluster.a.runner.start();
  BOOST_REQUIRE(cluster.owner(10s) == &cluster.a);
  cluster.b.runner.start();
  // Ends the owner's sessions as a dropped connection would.
  cluster.db.exec(
      "SELECT pg_terminate_backend(pid) FROM pg_locks"
      " WHERE locktype = 'advisory' AND classid = x'53574250'::int::oid"
      "   AND database = (SELECT oid FROM pg_database WHERE datname = current_database())");
  cluster.append(20);
  BOOST_REQUIRE(cluster.a.runner.wait_caught_up(30s));
  BOOST_REQUIRE(cluster.b.runner.wait_caught_up(30s));
  cluster.check_applied_once();
  cluster.check_one_owner();
}

// A node that vanishes without closing TCP keeps its session, and so its locks, until PostgreSQL
// gives up on it: the server's connections have both ends probe the peer.
BOOST_AUTO_TEST_CASE(a_lock_holding_session_gives_up_on_a_vanished_peer_within_the_bound) {
  tests::TestDatabase db;
  // As api/main.cpp composes the server's URL, with database.crash_takeover_ms at its default.
  pqxx::connection holder(eventstore::with_dead_peer_timeouts(db.app_url(), 30s));
  BOOST_REQUIRE(projections::try_take_ownership(holder, "delivery"));

  // Another session sees the lock held by that session, over TCP (probes are a TCP matter).
  pqxx::connection other(db.admin_url());
  const auto held = pqxx::nontransaction(other).exec_params(
      "SELECT a.client_port FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
      " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"
      "   AND (l.classid::bigint << 32 | l.objid::bigint) = $1 AND l.pid = $2",
      projections::ownership_key("delivery"), holder.backendpid());
  BOOST_REQUIRE_EQUAL(held.size(), 1u);
  BOOST_REQUIRE_GT(held[0][0].as<int>(), 0);

  // PostgreSQL's end, as the backend set it on its socket: gives up after 10 + 4 x 5 = 30 s.
  BOOST_CHECK_EQUAL(show(holder, "tcp_keepalives_idle"), "10");
  BOOST_CHECK_EQUAL(show(holder, "tcp_keepalives_interval"), "5");
  BOOST_CHECK_EQUAL(show(holder, "tcp_keepalives_count"), "4");
  BOOST_CHECK_EQUAL(show(holder, "tcp_user_timeout"), "30000");
  // The node's end gives up first (about 20 s), so an owner cut off from the database stops
  // acting as one before another node can take its lock.
  BOOST_CHECK_EQUAL(socket_option(holder, SOL_SOCKET, SO_KEEPALIVE), 1);
  BOOST_CHECK_EQUAL(socket_option(holder, IPPROTO_TCP, TCP_KEEPIDLE), 6);
  BOOST_CHECK_EQUAL(socket_option(holder, IPPROTO_TCP, TCP_KEEPINTVL), 3);
  BOOST_CHECK_EQUAL(socket_option(holder, IPPROTO_TCP, TCP_KEEPCNT), 5);
  BOOST_CHECK_EQUAL(socket_option(holder, IPPROTO_TCP, TCP_USER_TIMEOUT), 20000);

  // Without the composition: the kernel's two-hour defaults this guards against.
  pqxx::connection plain(db.app_url());
  BOOST_CHECK_NE(show(plain, "tcp_keepalives_idle"), "10");
  BOOST_CHECK_EQUAL(socket_option(plain, IPPROTO_TCP, TCP_USER_TIMEOUT), 0);
}

BOOST_AUTO_TEST_CASE(timeouts_the_operator_put_in_the_url_are_the_ones_in_force) {
  tests::TestDatabase db;
  const auto url = db.app_url() + (db.app_url().find('?') == std::string::npos ? "?" : "&") +
                   "keepalives_idle=7&options=-c%20tcp_keepalives_idle%3D9";
  pqxx::connection holder(eventstore::with_dead_peer_timeouts(url, 30s));
  BOOST_REQUIRE(projections::try_take_ownership(holder, "delivery"));
  BOOST_CHECK_EQUAL(show(holder, "tcp_keepalives_idle"), "9");
  BOOST_CHECK_EQUAL(show(holder, "tcp_keepalives_interval"), "5");
  BOOST_CHECK_EQUAL(socket_option(holder, IPPROTO_TCP, TCP_KEEPIDLE), 7);
  BOOST_CHECK_EQUAL(socket_option(holder, IPPROTO_TCP, TCP_KEEPINTVL), 3);
}
