// The command pipeline against a real store: decide, append with the expected version, retry on
// conflict with a stale cache, idempotent retries.
#include "commands/pipeline.hpp"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <charconv>
#include <stdexcept>
#include <thread>

#include "tests/support/database_outage.hpp"

using namespace switchboard;
using Outcome = commands::CommandOutcome;

namespace {

// A counter with a ceiling: enough rules to reject, conflict and retry.
struct Counter {
  struct State {
    bool opened = false;
    int value = 0;
  };
  static constexpr std::string_view category = "counter";
  static void apply(State& s, std::string_view type, std::string_view data) {
    if (type == "Opened") s.opened = true;
    if (type == "Added") {
      // {"n":N} as written, {"n": N} as PostgreSQL gives it back
      const auto digits = data.find_first_of("0123456789");
      int n = 0;
      std::from_chars(data.data() + digits, data.data() + data.size(), n);
      s.value += n;
    }
  }
};

// The counter, saved every 10 events as {"opened":b,"value":n}.
struct SavedCounter : Counter {
  static constexpr std::string_view category = "saved";
  static constexpr std::string_view snapshot_format = "saved/1";
  static constexpr std::int64_t snapshot_every = 10;
  static std::string snapshot(const State& s) {
    return std::string(R"({"opened":)") + (s.opened ? "true" : "false") + R"(,"value":)" +
           std::to_string(s.value) + "}";
  }
  static std::optional<State> restore(std::string_view text) {
    const auto value = text.find(R"("value":)");
    if (value == std::string_view::npos) return std::nullopt;
    State s{text.find(R"("opened":true)") != std::string_view::npos, 0};
    std::from_chars(text.data() + value + 8, text.data() + text.size(), s.value);
    return s;
  }
};

// The counter, counting copies of its state: a command that changes it in place copies nothing.
struct CopiedCounter {
  struct State : Counter::State {
    State() = default;
    State(const State& other) : Counter::State(other) { ++copies; }
    State& operator=(const State&) = default;
    static inline std::atomic<int> copies = 0;
  };
  static constexpr std::string_view category = "copied";
  static void apply(State& s, std::string_view type, std::string_view data) {
    Counter::apply(s, type, data);
  }
};

domain::Decision add(const Counter::State& s, int n) {
  if (n <= 0) return domain::reject(domain::Rejection::Kind::invalid, "must be positive", "/n");
  if (s.value + n > 1000)
    return domain::reject(domain::Rejection::Kind::conflict, "ceiling reached", "/n");
  std::vector<domain::NewEvent> events;
  if (!s.opened) events.push_back({"Opened", "{}"});
  events.push_back({"Added", R"({"n":)" + std::to_string(n) + "}"});
  return events;
}

commands::CommandContext context(std::optional<std::string> key = std::nullopt) {
  return {.tenant = "t1",
          .actor = "tester",
          .correlation_id = commands::new_uuid(),
          .causation_id = {},
          .command_id = commands::new_uuid(),
          .idempotency_key = key};
}

}  // namespace

BOOST_AUTO_TEST_CASE(commands_decide_on_current_state_and_record_metadata) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url()});
  commands::Pipeline<Counter> pipeline(store);

  auto first = pipeline.execute("c1", context(), "add 5", [](auto& s) { return add(s, 5); });
  BOOST_REQUIRE(first.status == Outcome::Status::accepted);
  BOOST_CHECK_EQUAL(first.stream_version, 2);  // Opened + Added
  auto second = pipeline.execute("c1", context(), "add 7", [](auto& s) { return add(s, 7); });
  BOOST_CHECK_EQUAL(second.stream_version, 3);
  BOOST_CHECK_EQUAL(pipeline.load("counter-c1")->state.value, 12);

  auto refused = pipeline.execute("c1", context(), "add 0", [](auto& s) { return add(s, 0); });
  BOOST_CHECK(refused.status == Outcome::Status::rejected);
  BOOST_CHECK_EQUAL(refused.rejection.field, "/n");
  BOOST_CHECK_EQUAL(db.count("SELECT count(*) FROM events"), 3);
  BOOST_CHECK_EQUAL(db.count("SELECT count(*) FROM events WHERE metadata->>'tenant' = 't1'"
                             " AND metadata->>'actor' = 'tester' AND metadata ? 'correlation_id'"),
                    3);
}

BOOST_AUTO_TEST_CASE(an_append_that_cannot_reach_the_database_is_unavailable_not_failed) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url()});
  commands::Pipeline<Counter> pipeline(store);
  BOOST_REQUIRE(pipeline.execute("u1", context(), "add 1", [](auto& s) { return add(s, 1); }).ok());

  // The database goes away under the open connections and refuses new ones; the next command
  // decides on its cached state and only its append finds the database gone.
  tests::set_reachable(db, false);
  auto lost = pipeline.execute("u1", context(), "add 2", [](auto& s) { return add(s, 2); });
  BOOST_CHECK(lost.status == Outcome::Status::unavailable);
  BOOST_CHECK(!lost.error.empty());

  tests::set_reachable(db, true);
  BOOST_CHECK(pipeline.execute("u1", context(), "add 2", [](auto& s) { return add(s, 2); }).ok());
  BOOST_CHECK_EQUAL(db.count("SELECT count(*) FROM events WHERE stream_id = 'counter-u1'"), 3);
}

BOOST_AUTO_TEST_CASE(a_read_that_cannot_reach_the_database_is_unavailable_not_an_exception) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url()});
  commands::Pipeline<Counter> pipeline(store);
  BOOST_REQUIRE(pipeline.execute("u0", context(), "add 1", [](auto& s) { return add(s, 1); }).ok());

  // The open connection breaks under the read and a new one is refused.
  tests::set_reachable(db, false);
  // Nothing cached for u1: its stream is read before deciding.
  const auto unread = pipeline.execute("u1", context(), "add 1", [](auto& s) { return add(s, 1); });
  BOOST_CHECK(unread.status == Outcome::Status::unavailable);
  BOOST_CHECK(unread.error.starts_with("database unreachable: "));
  // An Idempotency-Key is looked up before anything else.
  const auto keyed = context("outage-1");
  const auto unlooked = pipeline.execute("u0", keyed, "add 2", [](auto& s) { return add(s, 2); });
  BOOST_CHECK(unlooked.status == Outcome::Status::unavailable);

  tests::set_reachable(db, true);
  BOOST_CHECK(pipeline.execute("u1", context(), "add 1", [](auto& s) { return add(s, 1); }).ok());
  BOOST_CHECK(pipeline.execute("u0", keyed, "add 2", [](auto& s) { return add(s, 2); }).wrote());
  BOOST_CHECK_EQUAL(db.count("SELECT count(*) FROM events"), 5);
}

BOOST_AUTO_TEST_CASE(two_nodes_with_stale_caches_both_succeed_through_retries) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url()});
  commands::Pipeline<Counter> node_a(store), node_b(store);
  BOOST_REQUIRE(node_a.execute("c2", context(), "a1", [](auto& s) { return add(s, 1); }).ok());
  BOOST_REQUIRE(node_b.execute("c2", context(), "b1", [](auto& s) { return add(s, 1); }).ok());
  // node_a's cache is now one version behind: its next command conflicts once, then succeeds.
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      auto& node = i % 2 == 0 ? node_a : node_b;
      for (int n = 0; n < 20; ++n) {
        auto r = node.execute("c2", context(), "add", [](auto& s) { return add(s, 1); });
        BOOST_CHECK_MESSAGE(r.ok(), "status " << static_cast<int>(r.status) << " " << r.error);
      }
    });
  }
  for (auto& t : threads) t.join();
  BOOST_CHECK_EQUAL(node_a.load("counter-c2")->state.value, 82);
  BOOST_CHECK_EQUAL(db.count("SELECT max(stream_version) FROM events"), 83);
}

BOOST_AUTO_TEST_CASE(a_refusal_decided_on_a_stale_cache_is_decided_again_on_the_store) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url()});
  commands::Pipeline<Counter> node_a(store), node_b(store);
  BOOST_REQUIRE(node_a.execute("c4", context(), "a", [](auto& s) { return add(s, 600); }).ok());
  BOOST_REQUIRE(node_b.execute("c4", context(), "b", [](auto& s) { return add(s, 100); }).ok());
  // node_a still caches 600: its refusal would be wrong, so it is checked before it is answered.
  auto past_700 = [](const Counter::State& s) {
    if (s.value < 700) return domain::reject(domain::Rejection::Kind::conflict, "below 700", "/n");
    return add(s, 1);
  };
  auto r = node_a.execute("c4", context(), "past 700", past_700);
  BOOST_CHECK(r.status == Outcome::Status::accepted);
  BOOST_CHECK_EQUAL(r.stream_version, 4);
  // Reads say how old a state they accept: node_b's cache is one append behind.
  BOOST_CHECK_EQUAL(node_b.load("counter-c4", std::chrono::hours(1))->state.value, 700);
  BOOST_CHECK_EQUAL(node_b.load("counter-c4")->state.value, 701);
}

BOOST_AUTO_TEST_CASE(a_retried_command_answers_with_its_original_result) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url()});
  commands::Pipeline<Counter> pipeline(store);
  auto near_ceiling = [](auto& s) { return add(s, 600); };
  auto first = pipeline.execute("c3", context("k-1"), "add 600", near_ceiling);
  BOOST_REQUIRE(first.status == Outcome::Status::accepted);
  // Deciding again would hit the ceiling; the key makes it a duplicate instead.
  auto retry = pipeline.execute("c3", context("k-1"), "add 600", near_ceiling);
  BOOST_CHECK(retry.status == Outcome::Status::duplicate);
  BOOST_CHECK_EQUAL(retry.last_position, first.last_position);
  auto reused = pipeline.execute("c3", context("k-1"), "add 1", [](auto& s) { return add(s, 1); });
  BOOST_CHECK(reused.status == Outcome::Status::rejected);
  BOOST_CHECK_EQUAL(reused.rejection.field, "Idempotency-Key");
  BOOST_CHECK_EQUAL(db.count("SELECT count(*) FROM events"), 2);
}

BOOST_AUTO_TEST_CASE(a_long_stream_is_read_from_its_newest_snapshot) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url()});
  commands::Pipeline<SavedCounter> writer(store);
  for (int i = 0; i < 25; ++i) {
    BOOST_REQUIRE(writer.execute("s1", context(), "add 1", [](auto& s) { return add(s, 1); }).ok());
  }
  // 26 events (Opened, then 25 Added): saved at versions 10 and 20.
  BOOST_CHECK_EQUAL(db.count("SELECT version FROM stream_snapshots WHERE stream_id = 'saved-s1'"),
                    20);
  commands::Pipeline<SavedCounter> fresh(store);
  BOOST_CHECK_EQUAL(fresh.load("saved-s1")->state.value, 25);

  // A node with nothing cached starts from the snapshot and reads only the events after it: one
  // that says 500 at version 20 gives 500 plus the last six additions.
  db.exec(R"(UPDATE stream_snapshots SET state = '{"opened":true,"value":500}')");
  commands::Pipeline<SavedCounter> from_snapshot(store);
  BOOST_CHECK_EQUAL(from_snapshot.load("saved-s1")->state.value, 506);
  BOOST_CHECK_EQUAL(from_snapshot.load("saved-s1")->version, 26);

  // A snapshot in a layout this build does not know is ignored: the stream is read from the start.
  db.exec("UPDATE stream_snapshots SET format = 'saved/0'");
  commands::Pipeline<SavedCounter> older_format(store);
  BOOST_CHECK_EQUAL(older_format.load("saved-s1")->state.value, 25);
}

BOOST_AUTO_TEST_CASE(a_state_nobody_else_holds_is_moved_on_in_place) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url()});
  commands::Pipeline<CopiedCounter> pipeline(store);
  CopiedCounter::State::copies = 0;
  auto add_one = [](auto& s) { return add(s, 1); };
  BOOST_REQUIRE(pipeline.execute("p1", context(), "add 1", add_one).ok());
  // Watched without holding it, which would make the pipeline copy it.
  const std::weak_ptr<const commands::Pipeline<CopiedCounter>::Entry> first =
      pipeline.cached("copied-p1");
  for (int i = 0; i < 10; ++i)
    BOOST_REQUIRE(pipeline.execute("p1", context(), "add 1", add_one).ok());
  BOOST_CHECK_EQUAL(CopiedCounter::State::copies, 0);
  const auto entry = pipeline.cached("copied-p1");
  BOOST_CHECK(entry && entry == first.lock());
  BOOST_CHECK_EQUAL(entry->state.value, 11);
  BOOST_CHECK_EQUAL(entry->version, 12);
}

BOOST_AUTO_TEST_CASE(a_reader_keeps_the_state_it_holds_while_commands_move_on) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url()});
  commands::Pipeline<CopiedCounter> pipeline(store);
  CopiedCounter::State::copies = 0;
  BOOST_REQUIRE(pipeline.execute("p2", context(), "add 5", [](auto& s) { return add(s, 5); }).ok());
  auto held = pipeline.cached("copied-p2");
  BOOST_REQUIRE(pipeline.execute("p2", context(), "add 7", [](auto& s) { return add(s, 7); }).ok());
  BOOST_CHECK_EQUAL(held->state.value, 5);
  BOOST_CHECK_EQUAL(held->version, 2);
  BOOST_CHECK_EQUAL(pipeline.cached("copied-p2")->state.value, 12);
  BOOST_CHECK_EQUAL(CopiedCounter::State::copies, 1);
  // Once the reader lets go, the next command changes the newer state in place again.
  held.reset();
  BOOST_REQUIRE(pipeline.execute("p2", context(), "add 1", [](auto& s) { return add(s, 1); }).ok());
  BOOST_CHECK_EQUAL(CopiedCounter::State::copies, 1);
  BOOST_CHECK_EQUAL(pipeline.cached("copied-p2")->state.value, 13);
}

BOOST_AUTO_TEST_CASE(a_command_that_records_nothing_leaves_the_cached_state_as_it_was) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url()});
  commands::Pipeline<CopiedCounter> node_a(store), node_b(store);
  CopiedCounter::State::copies = 0;
  BOOST_REQUIRE(
      node_a.execute("p3", context(), "add 600", [](auto& s) { return add(s, 600); }).ok());
  // Watched without holding it: a dropped entry expires even if another takes its address.
  const std::weak_ptr<const commands::Pipeline<CopiedCounter>::Entry> cached =
      node_a.cached("copied-p3");
  auto still_cached = [&] {
    const auto entry = node_a.cached("copied-p3");
    return entry && entry == cached.lock();
  };

  auto refused = node_a.execute("p3", context(), "add 0", [](auto& s) { return add(s, 0); });
  BOOST_CHECK(refused.status == Outcome::Status::rejected);
  BOOST_CHECK(still_cached());

  BOOST_CHECK_THROW(
      node_a.execute("p3", context(), "throws",
                     [](auto&) -> domain::Decision { throw std::runtime_error("decide failed"); }),
      std::runtime_error);
  BOOST_CHECK(still_cached());

  db.exec(R"(CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN RAISE EXCEPTION 'refused'; END $$;
             CREATE TRIGGER refuse BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION refuse())");
  auto failed = node_a.execute("p3", context(), "add 1", [](auto& s) { return add(s, 1); });
  BOOST_CHECK(failed.status == Outcome::Status::failed);
  BOOST_CHECK(still_cached());
  db.exec("DROP TRIGGER refuse ON events");

  // A command decided on a stale state conflicts, reads node_b's event into the same state and is
  // then refused: the state caught up stays cached, and nothing was copied.
  BOOST_REQUIRE(
      node_b.execute("p3", context(), "add 100", [](auto& s) { return add(s, 100); }).ok());
  auto past_ceiling =
      node_a.execute("p3", context(), "add 350", [](auto& s) { return add(s, 350); });
  BOOST_CHECK(past_ceiling.status == Outcome::Status::rejected);
  const auto entry = node_a.cached("copied-p3");
  BOOST_CHECK(still_cached());
  BOOST_CHECK_EQUAL(entry->state.value, 700);
  BOOST_CHECK_EQUAL(entry->version, 3);
  BOOST_CHECK_EQUAL(CopiedCounter::State::copies, 0);
}

BOOST_AUTO_TEST_CASE(a_batch_reads_the_states_it_has_not_cached_together) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url()});
  commands::Pipeline<Counter> node_a(store), node_b(store);
  const auto add_n = [](int n) { return [n](const Counter::State& s) { return add(s, n); }; };
  for (int n = 1; n <= 3; ++n) {
    BOOST_REQUIRE(node_b.execute("r1", context(), "b", add_n(n)).ok());
  }
  BOOST_REQUIRE(node_b.execute("r2", context(), "b", add_n(500)).ok());

  const auto ctx = context();
  using Command = commands::Pipeline<Counter>::Command;
  const std::vector<Command> batch{
      {"r1", ctx, "add 4", add_n(4)},      // written by node_b: read
      {"r2", ctx, "add 600", add_n(600)},  // not cached: read; past the ceiling on it
      {"r3", ctx, "add 9", add_n(9)},      // a new stream
      {"r2", ctx, "add 1", add_n(1)},
  };
  const auto conflicts = store.stats().conflicts;
  const auto outcomes = node_a.execute_all(batch);
  BOOST_CHECK_EQUAL(store.stats().conflicts, conflicts);
  BOOST_REQUIRE_EQUAL(outcomes.size(), batch.size());
  BOOST_CHECK(outcomes[0].status == Outcome::Status::accepted);
  BOOST_CHECK_EQUAL(outcomes[0].stream_version, 5);
  BOOST_CHECK(outcomes[1].status == Outcome::Status::rejected);
  BOOST_CHECK(outcomes[2].status == Outcome::Status::accepted);
  BOOST_CHECK_EQUAL(outcomes[2].stream_version, 2);
  BOOST_CHECK(outcomes[3].status == Outcome::Status::accepted);
  BOOST_CHECK_EQUAL(outcomes[3].stream_version, 3);
  const std::vector<std::pair<std::string, int>> values{{"r1", 10}, {"r2", 501}, {"r3", 9}};
  for (const auto& [id, value] : values) {
    BOOST_TEST_CONTEXT(id) {
      BOOST_CHECK_EQUAL(node_a.cached("counter-" + id)->state.value, value);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_turn_appends_on_the_state_its_first_writer_decided_on) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url()});
  commands::Pipeline<Counter> node_a(store), node_b(store);
  const auto add_n = [](int n) { return [n](const Counter::State& s) { return add(s, n); }; };
  BOOST_REQUIRE(node_a.execute("s1", context(), "a", add_n(1)).ok());
  BOOST_REQUIRE(node_b.execute("s1", context(), "b", add_n(1)).ok());
  // One aggregate, so nothing is read ahead: the refusal on node_a's stale state reads the
  // store's, and the next command decides and appends on that one, without a conflict.
  const auto ctx = context();
  using Command = commands::Pipeline<Counter>::Command;
  const std::vector<Command> batch{{"s1", ctx, "add 0", add_n(0)}, {"s1", ctx, "add 5", add_n(5)}};
  const auto conflicts = store.stats().conflicts;
  const auto outcomes = node_a.execute_all(batch);
  BOOST_CHECK_EQUAL(store.stats().conflicts, conflicts);
  BOOST_CHECK(outcomes[0].status == Outcome::Status::rejected);
  BOOST_CHECK(outcomes[1].status == Outcome::Status::accepted);
  BOOST_CHECK_EQUAL(outcomes[1].stream_version, 4);
  BOOST_CHECK_EQUAL(node_a.load("counter-s1")->state.value, 7);
}

BOOST_AUTO_TEST_CASE(a_batch_runs_each_command_as_execute_would) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url()});
  commands::Pipeline<Counter> node_a(store), node_b(store);
  // node_a's caches of b1 and b6 fall behind: its batch conflicts on them and retries alone.
  for (const auto* id : {"b1", "b6"}) {
    BOOST_REQUIRE(node_a.execute(id, context(), "a", [](auto& s) { return add(s, 1); }).ok());
    BOOST_REQUIRE(node_b.execute(id, context(), "b", [](auto& s) { return add(s, 1); }).ok());
  }

  const auto ctx = context();
  const auto keyed = context("batch-key");
  const auto add_n = [](int n) { return [n](const Counter::State& s) { return add(s, n); }; };
  using Command = commands::Pipeline<Counter>::Command;
  const std::vector<Command> batch{
      {"b1", ctx, "add 5", add_n(5)},      // stale cache: conflict, then alone
      {"b2", ctx, "add 2", add_n(2)},      // a new stream
      {"b3", ctx, "add 0", add_n(0)},      // refused
      {"b2", ctx, "add 3", add_n(3)},      // decided on the state the one before leaves
      {"b4", keyed, "add 4", add_n(4)},    // a key to look up: alone
      {"b4", ctx, "add 1", add_n(1)},      // after it, alone too
      {"b5", ctx, "add 600", add_n(600)},  // writes
      {"b5", ctx, "add 0", add_n(0)},      // refused between two that write
      {"b5", ctx, "add 600", add_n(600)},  // refused: the first 600 is counted
      {"b5", ctx, "add 7", add_n(7)},      // writes
      {"b6", ctx, "add 1", add_n(1)},      // stale, and moved on by the batch before the
      {"b6", ctx, "add 2", add_n(2)},      // conflict: both alone, on the store's state
  };
  const auto outcomes = node_a.execute_all(batch);
  BOOST_REQUIRE_EQUAL(outcomes.size(), batch.size());
  const auto accepted = [&](std::size_t i, std::int64_t version) {
    BOOST_TEST_CONTEXT("command " << i) {
      BOOST_CHECK(outcomes[i].status == Outcome::Status::accepted);
      BOOST_CHECK_EQUAL(outcomes[i].stream_version, version);
    }
  };
  const auto refused = [&](std::size_t i) {
    BOOST_TEST_CONTEXT("command " << i) {
      BOOST_CHECK(outcomes[i].status == Outcome::Status::rejected);
    }
  };
  accepted(0, 4);
  accepted(1, 2);  // Opened + Added
  refused(2);
  accepted(3, 3);
  accepted(4, 2);
  accepted(5, 3);
  accepted(6, 2);
  refused(7);
  refused(8);
  accepted(9, 3);
  accepted(10, 4);
  accepted(11, 5);
  // A chat's commands in a batch are one append: they share its last position.
  BOOST_CHECK_EQUAL(outcomes[1].last_position, outcomes[3].last_position);
  BOOST_CHECK_EQUAL(outcomes[6].last_position, outcomes[9].last_position);
  BOOST_CHECK_EQUAL(outcomes[3].events.size(), 1u);
  BOOST_CHECK_EQUAL(outcomes[9].events.size(), 1u);
  const std::vector<std::pair<std::string, int>> values{
      {"b1", 7}, {"b2", 5}, {"b4", 5}, {"b5", 607}, {"b6", 5}};
  for (const auto& [id, value] : values) {
    BOOST_TEST_CONTEXT(id) {
      // node_a's cache, then the store's events read by a node with none
      BOOST_CHECK_EQUAL(node_a.load("counter-" + id)->state.value, value);
      commands::Pipeline<Counter> fresh(store);
      BOOST_CHECK_EQUAL(fresh.load("counter-" + id)->state.value, value);
    }
  }
  BOOST_CHECK_EQUAL(db.count("SELECT count(*) FROM events WHERE stream_id = 'counter-b3'"), 0);
  // The key was recorded: the same command again is a duplicate.
  const auto again = node_a.execute("b4", keyed, "add 4", add_n(4));
  BOOST_CHECK(again.status == Outcome::Status::duplicate);
}
