// switchboard-admin as operators run it: the real binary, its exit codes and its output, against a
// fresh database.
#include <fcntl.h>
#include <rapidjson/document.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/algorithm/string/join.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <pqxx/pqxx>
#include <sstream>
#include <thread>

#include "commands/command_context.hpp"
#include "eventstore/event_store.hpp"
#include "eventstore/migrator.hpp"
#include "projections/ownership.hpp"
#include "tests/support/legacy_cti_agent.hpp"
#include "tests/support/test_database.hpp"

extern char** environ;

using namespace switchboard;
using namespace std::chrono_literals;

namespace {

struct Run {
  int exit_code = -1;
  std::string out;
  std::string err;

  std::vector<std::string> lines() const {
    std::vector<std::string> result;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) result.push_back(line);
    return result;
  }
};

// A temporary file the child writes one of its streams to.
class Capture {
 public:
  Capture() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "switchboard-admin-XXXXXX").string();
    fd_ = ::mkstemp(pattern.data());
    BOOST_REQUIRE(fd_ >= 0);
    path_ = pattern;
  }
  ~Capture() {
    ::close(fd_);
    std::filesystem::remove(path_);
  }
  Capture(const Capture&) = delete;
  Capture& operator=(const Capture&) = delete;

  int fd() const { return fd_; }
  std::string text() const {
    std::ifstream in(path_);
    return {std::istreambuf_iterator<char>(in), {}};
  }

 private:
  int fd_ = -1;
  std::string path_;
};

// Runs the binary with the test's environment minus SWITCHBOARD_DATABASE_URL (so a developer's
// setting cannot leak in), plus `extra_env` ("NAME=value"); `while_running` is called once it has
// started, before it is waited for.
Run run_admin(const std::vector<std::string>& args, const std::vector<std::string>& extra_env = {},
              const std::function<void()>& while_running = {}) {
  std::vector<std::string> argv_text{SWITCHBOARD_ADMIN_BINARY};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);

  std::vector<std::string> env_text;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string_view(*e).starts_with("SWITCHBOARD_DATABASE_URL=")) continue;
    env_text.emplace_back(*e);
  }
  env_text.insert(env_text.end(), extra_env.begin(), extra_env.end());
  std::vector<char*> envp;
  for (auto& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);

  Capture out, err;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out.fd(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err.fd(), STDERR_FILENO);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  BOOST_REQUIRE_MESSAGE(spawned == 0, "cannot start " << argv[0]);
  if (while_running) while_running();
  int status = 0;
  BOOST_REQUIRE_EQUAL(::waitpid(pid, &status, 0), pid);

  Run run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.out = out.text();
  run.err = err.text();
  BOOST_TEST_MESSAGE("switchboard-admin exited " << run.exit_code << "\n" << run.out << run.err);
  return run;
}

std::vector<std::string> with_url(const tests::TestDatabase& db, std::vector<std::string> args) {
  args.insert(args.end(), {"--database-url", db.admin_url()});
  return args;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string metadata(const std::string& tenant, const std::string& correlation) {
  return R"({"tenant":")" + tenant + R"(","actor":"user:alice","correlation_id":")" + correlation +
         R"(","causation_id":null,"command_id":")" + commands::new_uuid() + R"("})";
}

void append(eventstore::EventStore& store, const std::string& stream, int events,
            const std::string& tenant, const std::string& correlation) {
  eventstore::AppendRequest r;
  r.stream_id = stream;
  r.category = stream.substr(0, stream.find('-'));
  for (int i = 0; i < events; ++i) {
    r.events.push_back({commands::new_uuid(), "Happened", R"({"n":)" + std::to_string(i + 1) + "}",
                        metadata(tenant, correlation)});
  }
  BOOST_REQUIRE(store.append(r).succeeded());
}

std::vector<rapidjson::Document> json_lines(const Run& run) {
  std::vector<rapidjson::Document> docs;
  for (const auto& line : run.lines()) {
    rapidjson::Document d;
    d.Parse(line.c_str(), line.size());
    BOOST_REQUIRE_MESSAGE(!d.HasParseError() && d.IsObject(), "not a JSON object: " << line);
    docs.push_back(std::move(d));
  }
  return docs;
}

// Status of one projection as --json reports it.
rapidjson::Document status_of(const tests::TestDatabase& db, const std::string& name) {
  const auto run = run_admin(with_url(db, {"projections", "status", "--json"}));
  BOOST_REQUIRE_EQUAL(run.exit_code, 0);
  for (auto& d : json_lines(run)) {
    if (d["name"].GetString() == name) return std::move(d);
  }
  BOOST_FAIL("projection " << name << " missing from status");
  return {};
}

// Events become visible to the gap-safe reader (and so to rebuilds) once every older transaction
// in the cluster has ended; another suite's transaction may hold that back for a moment.
void wait_until_visible(const tests::TestDatabase& db, long long events) {
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (db.count("SELECT count(*) FROM events"
                  " WHERE tx_id < pg_snapshot_xmin(pg_current_snapshot())") != events) {
    BOOST_REQUIRE_MESSAGE(std::chrono::steady_clock::now() < deadline,
                          "the log never showed " << events << " events");
    std::this_thread::sleep_for(50ms);
  }
}

// A database without any migration, in the test cluster, dropped at the end.
class EmptyDatabase {
 public:
  EmptyDatabase() {
    const char* cluster = std::getenv("SWITCHBOARD_TEST_PG_ADMIN_URL");
    BOOST_REQUIRE_MESSAGE(cluster != nullptr, "SWITCHBOARD_TEST_PG_ADMIN_URL is not set");
    cluster_url_ = cluster;
    auto id = commands::new_uuid();
    std::erase(id, '-');
    name_ = "sb_admin_empty_" + id.substr(0, 12);
    pqxx::connection c(cluster_url_);
    pqxx::nontransaction(c).exec("CREATE DATABASE " + c.quote_name(name_));
    url_ = tests::with_database(cluster_url_, name_);
  }
  ~EmptyDatabase() {
    try {
      pqxx::connection c(cluster_url_);
      pqxx::nontransaction(c).exec("DROP DATABASE IF EXISTS " + c.quote_name(name_) +
                                   " WITH (FORCE)");
    } catch (...) {
      // Left behind in the throwaway cluster, which goes with it.
    }
  }
  const std::string& url() const { return url_; }

 private:
  std::string cluster_url_;
  std::string name_;
  std::string url_;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(migrate)

BOOST_AUTO_TEST_CASE(reports_nothing_to_apply_on_a_migrated_database) {
  tests::TestDatabase db;
  const auto run = run_admin(with_url(db, {"migrate"}));
  BOOST_CHECK_EQUAL(run.exit_code, 0);
  BOOST_CHECK(contains(run.out, "nothing to apply"));
  BOOST_CHECK(!contains(run.out, "applying"));
}

BOOST_AUTO_TEST_CASE(applies_every_migration_to_an_empty_database) {
  EmptyDatabase db;
  const auto run = run_admin({"migrate", "--database-url", db.url()});
  BOOST_REQUIRE_EQUAL(run.exit_code, 0);
  const auto& migrations = eventstore::embedded_migrations();
  for (const auto& [name, text] : migrations) {
    BOOST_CHECK_MESSAGE(contains(run.out, "applying " + std::string(name)), name);
  }
  BOOST_CHECK(contains(run.out, "applied " + std::to_string(migrations.size()) + " migration"));
  pqxx::connection c(db.url());
  BOOST_CHECK_EQUAL(pqxx::nontransaction(c)
                        .exec("SELECT count(*) FROM schema_migrations")[0][0]
                        .as<std::size_t>(),
                    migrations.size());

  const auto again = run_admin({"migrate", "--database-url", db.url()});
  BOOST_CHECK_EQUAL(again.exit_code, 0);
  BOOST_CHECK(contains(again.out, "nothing to apply"));
}

BOOST_AUTO_TEST_CASE(stops_when_an_applied_migration_was_changed) {
  tests::TestDatabase db;
  db.exec("UPDATE schema_migrations SET sha256 = 'edited' WHERE name = '0001_event_store.sql'");
  const auto run = run_admin(with_url(db, {"migrate"}));
  BOOST_CHECK_EQUAL(run.exit_code, 1);
  BOOST_CHECK(contains(run.err, "0001_event_store.sql was changed"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(connection)

BOOST_AUTO_TEST_CASE(comes_from_the_config_file_or_the_environment) {
  tests::TestDatabase db;
  const auto dir = std::filesystem::temp_directory_path();
  const auto config = dir / ("switchboard-admin-" + db.name() + ".ini");
  const auto write = [&](const std::string& text) { std::ofstream(config) << text; };

  // admin_url wins over url; the server's other settings are none of the tool's business.
  write(
      "[http]\nport = 8080\n\n[database]\nurl = postgresql://nobody@127.0.0.1:1/none\n"
      "admin_url = " +
      db.admin_url() + "\n\n[nats]\nurl = nats://127.0.0.1:1\n");
  BOOST_CHECK_EQUAL(run_admin({"--config", config.string(), "migrate"}).exit_code, 0);
  write("[database]\nurl = " + db.admin_url() + "\n");
  BOOST_CHECK_EQUAL(run_admin({"migrate", "--config", config.string()}).exit_code, 0);
  write("[http]\nport = 8080\n");
  const auto no_url = run_admin({"migrate", "--config", config.string()});
  BOOST_CHECK_EQUAL(no_url.exit_code, 2);
  BOOST_CHECK(contains(no_url.err, "admin_url"));
  std::filesystem::remove(config);
  BOOST_CHECK_EQUAL(run_admin({"migrate", "--config", config.string()}).exit_code, 2);

  BOOST_CHECK_EQUAL(
      run_admin({"projections", "status"}, {"SWITCHBOARD_DATABASE_URL=" + db.admin_url()})
          .exit_code,
      0);
  const auto none = run_admin({"projections", "status"});
  BOOST_CHECK_EQUAL(none.exit_code, 2);
  BOOST_CHECK(contains(none.err, "SWITCHBOARD_DATABASE_URL"));
}

// The timer of the TCP socket from `local_port` to `remote_port` on loopback, as /proc/net/tcp
// shows it: kind 2 is the keepalive timer, due in `seconds`.
struct TcpTimer {
  int kind = -1;
  double seconds = 0;
};

std::optional<TcpTimer> tcp_timer(int local_port, int remote_port) {
  const auto port_of = [](const std::string& address) {
    return std::stoi(address.substr(address.rfind(':') + 1), nullptr, 16);
  };
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // the header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state, queues, timer;
      fields >> slot >> local >> remote >> state >> queues >> timer;
      if (port_of(local) != local_port || port_of(remote) != remote_port) continue;
      return TcpTimer{
          std::stoi(timer.substr(0, timer.find(':')), nullptr, 16),
          static_cast<double>(std::stol(timer.substr(timer.find(':') + 1), nullptr, 16)) /
              static_cast<double>(::sysconf(_SC_CLK_TCK))};
    }
  }
  return std::nullopt;
}

// A `migrate` whose machine vanishes mid-run must not keep the migrations lock for the kernel's
// two hours: both ends of its connection probe the peer as the server's connections do, bounded
// by the config file's crash_takeover_ms.
BOOST_AUTO_TEST_CASE(both_ends_probe_a_vanished_peer_within_crash_takeover_ms) {
  tests::TestDatabase db;
  const auto config =
      std::filesystem::temp_directory_path() / ("switchboard-admin-takeover-" + db.name() + ".ini");
  std::ofstream(config) << "[database]\nadmin_url = " << db.admin_url()
                        << "\ncrash_takeover_ms = 12000\n";
  // Another migrate holds the lock, so this one waits on an idle connection.
  pqxx::connection holder(db.admin_url());
  pqxx::nontransaction(holder).exec("SELECT pg_advisory_lock(x'5357424d49475254'::bigint)");

  int client_port = 0;
  int server_port = 0;
  std::optional<TcpTimer> database_end, admin_end;
  const auto run = run_admin({"migrate", "--config", config.string()}, {}, [&] {
    pqxx::connection watcher(db.admin_url());
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (client_port == 0 && std::chrono::steady_clock::now() < deadline) {
      const auto rows = pqxx::nontransaction(watcher).exec(
          "SELECT client_port, inet_server_port() FROM pg_stat_activity"
          " WHERE wait_event_type = 'Lock' AND wait_event = 'advisory'"
          "   AND datname = current_database()");
      if (!rows.empty() && !rows[0][0].is_null()) {
        client_port = rows[0][0].as<int>();
        server_port = rows[0][1].as<int>();
      } else {
        std::this_thread::sleep_for(50ms);
      }
    }
    // Let the socket settle into waiting (its timer is the keepalive one while nothing is sent).
    for (int i = 0; client_port != 0 && i < 40; ++i) {
      database_end = tcp_timer(server_port, client_port);
      admin_end = tcp_timer(client_port, server_port);
      if (database_end && admin_end && database_end->kind == 2 && admin_end->kind == 2) break;
      std::this_thread::sleep_for(50ms);
    }
    pqxx::nontransaction(holder).exec("SELECT pg_advisory_unlock_all()");
  });
  std::filesystem::remove(config);
  BOOST_CHECK_EQUAL(run.exit_code, 0);
  BOOST_REQUIRE_MESSAGE(client_port > 0, "the admin tool never waited for the lock over TCP");
  BOOST_REQUIRE(database_end.has_value());
  BOOST_REQUIRE(admin_end.has_value());
  // 12 s: PostgreSQL probes after 4 s of silence, the tool after 2 s (two thirds of the bound);
  // the kernel's default is 7200 s.
  BOOST_CHECK_EQUAL(database_end->kind, 2);
  BOOST_CHECK_LE(database_end->seconds, 4.0);
  BOOST_CHECK_EQUAL(admin_end->kind, 2);
  BOOST_CHECK_LE(admin_end->seconds, 2.0);
}

BOOST_AUTO_TEST_CASE(crash_takeover_ms_is_checked_like_the_servers) {
  tests::TestDatabase db;
  const auto low = run_admin(with_url(db, {"migrate", "--crash-takeover-ms", "5999"}));
  BOOST_CHECK_EQUAL(low.exit_code, 2);
  BOOST_CHECK(contains(low.err, "--crash-takeover-ms: from 6000"));
  BOOST_CHECK_EQUAL(
      run_admin(with_url(db, {"--crash-takeover-ms", "6000", "projections", "status"})).exit_code,
      0);
  const auto config =
      std::filesystem::temp_directory_path() / ("switchboard-admin-low-" + db.name() + ".ini");
  std::ofstream(config) << "[database]\nadmin_url = " << db.admin_url()
                        << "\ncrash_takeover_ms = 1000\n";
  const auto from_file = run_admin({"migrate", "--config", config.string()});
  std::filesystem::remove(config);
  BOOST_CHECK_EQUAL(from_file.exit_code, 2);
  BOOST_CHECK(contains(from_file.err, "[database] crash_takeover_ms: from 6000"));
}

BOOST_AUTO_TEST_CASE(an_unreachable_database_is_a_failure_not_a_usage_error) {
  const auto run = run_admin({"migrate", "--database-url", "postgresql://nobody@127.0.0.1:1/none"});
  BOOST_CHECK_EQUAL(run.exit_code, 1);
  BOOST_CHECK(!run.err.empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(bad_arguments_exit_2_with_a_message_and_help_exits_0) {
  tests::TestDatabase db;
  const std::vector<std::vector<std::string>> bad{
      {},
      {"frobnicate"},
      {"migrate", "--bogus"},
      {"migrate", "extra"},
      {"projections"},
      {"projections", "list"},
      {"projections", "status", "--tabular"},
      {"projections", "rebuild"},
      {"projections", "rebuild", "stream_catalog", "another"},
      {"verify", "--all"},
      {"audit"},
      {"audit", "--since", "2024-01-01"},
      {"audit", "--tenant"},
      {"audit", "--tenant", ""},
      {"audit", "--tenant", "t1", "--format", "xml"},
      {"audit", "--tenant", "t1", "--since", "yesterday"},
      {"audit", "--tenant", "t1", "--since", "2024-02-30"},
      {"audit", "--tenant", "t1", "--since", "2024-03-01", "--until", "2024-02-01"},
      {"audit", "--tenant", "t1", "--batch-size", "0"},
      {"audit", "--tenant", "t1", "--batch-size", "many"},
      {"--database-url", db.admin_url(), "--config", "/dev/null", "migrate"},
  };
  for (const auto& args : bad) {
    const auto run =
        run_admin(args.empty() || args.front() == "--database-url" ? args : with_url(db, args));
    BOOST_TEST_CONTEXT("switchboard-admin " << boost::algorithm::join(args, " ")) {
      BOOST_CHECK_EQUAL(run.exit_code, 2);
      BOOST_CHECK(contains(run.err, "switchboard-admin: "));
      BOOST_CHECK(contains(run.err, "--help"));
      BOOST_CHECK(run.out.empty());
    }
  }

  const std::vector<std::vector<std::string>> help{
      {"--help"},
      {"-h"},
      {"migrate", "--help"},
      {"projections", "--help"},
      {"projections", "status", "--help"},
      {"projections", "rebuild", "--help"},
      {"verify", "--help"},
      {"audit", "-h"},
  };
  for (const auto& args : help) {
    const auto run = run_admin(args);
    BOOST_TEST_CONTEXT("switchboard-admin " << boost::algorithm::join(args, " ")) {
      BOOST_CHECK_EQUAL(run.exit_code, 0);
      BOOST_CHECK(run.out.starts_with("Usage: switchboard-admin"));
      BOOST_CHECK(contains(run.out, "--database-url"));
    }
  }
}

BOOST_AUTO_TEST_SUITE(projections)

BOOST_AUTO_TEST_CASE(status_shows_the_lag_and_rebuild_clears_it) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url()});
  append(store, "chat-1", 2, "t1", "c1");
  append(store, "chat-2", 3, "t1", "c2");
  append(store, "chat-3", 1, "t2", "c3");
  wait_until_visible(db, 6);

  const auto table = run_admin(with_url(db, {"projections", "status"}));
  BOOST_REQUIRE_EQUAL(table.exit_code, 0);
  const auto lines = table.lines();
  BOOST_REQUIRE_GE(lines.size(), 2u);
  BOOST_CHECK(lines[0].starts_with("PROJECTION"));
  std::vector<std::string> columns;
  for (const auto& line : lines) {
    if (!line.starts_with("stream_catalog ")) continue;
    std::istringstream in(line);
    for (std::string c; in >> c;) columns.push_back(c);
  }
  BOOST_REQUIRE_EQUAL(columns.size(), 6u);  // name, checkpoint, applied, behind, seconds, owner
  BOOST_CHECK_EQUAL(columns[1], "0/0/0");
  BOOST_CHECK_EQUAL(columns[2], "0");
  BOOST_CHECK_EQUAL(columns[3], "6");
  BOOST_CHECK_EQUAL(columns[5], "-");  // no server runs

  const auto rebuilt = run_admin(with_url(db, {"projections", "rebuild", "stream_catalog"}));
  BOOST_REQUIRE_EQUAL(rebuilt.exit_code, 0);
  BOOST_CHECK(contains(rebuilt.out, "rebuilt stream_catalog: 6 events"));

  const auto after = status_of(db, "stream_catalog");
  BOOST_CHECK_EQUAL(after["events_behind"].GetInt64(), 0);
  BOOST_CHECK_EQUAL(after["events_applied"].GetUint64(), 6u);
  BOOST_CHECK_EQUAL(after["seconds_behind"].GetDouble(), 0.0);
  BOOST_CHECK_EQUAL(after["checkpoint"]["global_position"].GetInt64(),
                    db.count("SELECT max(global_position) FROM events"));
  BOOST_CHECK_EQUAL(after["checkpoint"]["epoch"].GetInt(), 1);
  BOOST_CHECK_GT(after["checkpoint"]["tx_id"].GetUint64(), 0u);
  BOOST_CHECK_EQUAL(db.count("SELECT count(*) FROM stream_catalog"), 3);
  // The swapped-in table is the application's to write, like the one it replaced.
  BOOST_CHECK_EQUAL(db.count("SELECT count(*) FROM stream_catalog WHERE has_table_privilege("
                             "'switchboard_app', 'stream_catalog', 'SELECT,INSERT,UPDATE,DELETE')"),
                    3);
}

BOOST_AUTO_TEST_CASE(status_names_the_session_that_applies_a_projection_or_runs_a_reactor) {
  tests::TestDatabase db;
  // The delivery reactor (projections/messaging) is not among the projections the CLI rebuilds,
  // but its owner is reported the same way.
  auto runner = std::make_unique<pqxx::connection>(db.app_url());
  const auto pid = std::to_string(runner->backendpid());
  for (const char* name : {"stream_catalog", "delivery"}) {
    BOOST_TEST_CONTEXT(name) {
      BOOST_CHECK(status_of(db, name)["owner"].IsNull());
      BOOST_REQUIRE(switchboard::projections::try_take_ownership(*runner, name));
      const auto owned = status_of(db, name);
      BOOST_REQUIRE(owned["owner"].IsString());
      BOOST_CHECK(std::string(owned["owner"].GetString()).starts_with(pid + "@"));
    }
  }
  BOOST_CHECK(status_of(db, "messaging")["owner"].IsNull());
  const auto table = run_admin(with_url(db, {"projections", "status"}));
  BOOST_REQUIRE_EQUAL(table.exit_code, 0);
  const auto lines = table.lines();
  const auto delivery = std::ranges::find_if(
      lines, [](const std::string& line) { return line.starts_with("delivery "); });
  BOOST_REQUIRE(delivery != lines.end());
  BOOST_CHECK(contains(*delivery, "  " + pid + "@"));

  // The locks go with the session, as when a node dies.
  runner.reset();
  BOOST_CHECK(status_of(db, "stream_catalog")["owner"].IsNull());
  BOOST_CHECK(status_of(db, "delivery")["owner"].IsNull());
}

BOOST_AUTO_TEST_CASE(rebuild_of_an_unknown_projection_exits_2_naming_the_known_ones) {
  tests::TestDatabase db;
  const auto run = run_admin(with_url(db, {"projections", "rebuild", "no_such_projection"}));
  BOOST_CHECK_EQUAL(run.exit_code, 2);
  BOOST_CHECK(contains(run.err, "no_such_projection"));
  BOOST_CHECK(contains(run.err, "stream_catalog"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(verify_exits_0_on_a_consistent_model_and_1_after_tampering) {
  tests::TestDatabase db;
  BOOST_CHECK_EQUAL(run_admin(with_url(db, {"verify"})).exit_code, 0);

  eventstore::EventStore store({.database_url = db.app_url()});
  for (int i = 0; i < 5; ++i) append(store, "deal-" + std::to_string(i), 1 + i, "t1", "c");
  wait_until_visible(db, 15);
  BOOST_REQUIRE_EQUAL(
      run_admin(with_url(db, {"projections", "rebuild", "stream_catalog"})).exit_code, 0);

  const auto consistent = run_admin(with_url(db, {"verify"}));
  BOOST_CHECK_EQUAL(consistent.exit_code, 0);
  BOOST_CHECK(contains(consistent.out, "stream_catalog: matches"));

  db.exec("UPDATE stream_catalog SET event_count = 99 WHERE stream_id = 'deal-3'");
  const auto tampered = run_admin(with_url(db, {"verify", "stream_catalog"}));
  BOOST_CHECK_EQUAL(tampered.exit_code, 1);
  BOOST_CHECK(contains(tampered.out, "stream_catalog: DIFFERS"));
  BOOST_CHECK(contains(tampered.out,
                       "table stream_catalog: 1 row(s) only in the live table, 1 row(s) only in"));

  const auto unknown = run_admin(with_url(db, {"verify", "stream_catalog", "nope"}));
  BOOST_CHECK_EQUAL(unknown.exit_code, 2);
  BOOST_CHECK(contains(unknown.err, "known projections: stream_catalog"));
}

BOOST_AUTO_TEST_SUITE(audit)

BOOST_AUTO_TEST_CASE(filters_by_tenant_correlation_and_stream) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url()});
  append(store, "chat-a", 3, "t1", "corr-1");
  append(store, "chat-b", 2, "t2", "corr-2");
  append(store, "chat-c", 2, "t1", "corr-2");
  append(store, "chat-a", 1, "t1", "corr-3");

  const auto t1 = run_admin(with_url(db, {"audit", "--tenant", "t1", "--format", "jsonl"}));
  BOOST_REQUIRE_EQUAL(t1.exit_code, 0);
  const auto events = json_lines(t1);
  BOOST_CHECK_EQUAL(events.size(), 6u);
  std::string previous_time;
  std::int64_t previous_position = 0;
  for (const auto& e : events) {
    BOOST_CHECK_EQUAL(e["metadata"]["tenant"].GetString(), std::string("t1"));
    BOOST_CHECK_EQUAL(e["metadata"]["actor"].GetString(), std::string("user:alice"));
    BOOST_CHECK(e["metadata"].HasMember("command_id"));
    BOOST_CHECK(e["data"].IsObject() && e["data"]["n"].IsInt());
    for (const char* field : {"global_position", "epoch", "tx_id", "stream_id", "stream_version",
                              "event_id", "event_type", "recorded_at"}) {
      BOOST_CHECK_MESSAGE(e.HasMember(field), field);
    }
    // Oldest first: recorded time, then global position.
    const std::string time = e["recorded_at"].GetString();
    BOOST_CHECK(previous_time <= time);
    if (time == previous_time) BOOST_CHECK_GT(e["global_position"].GetInt64(), previous_position);
    previous_time = time;
    previous_position = e["global_position"].GetInt64();
  }

  const auto t2 = run_admin(with_url(db, {"audit", "--tenant", "t2"}));
  BOOST_REQUIRE_EQUAL(t2.exit_code, 0);
  const auto rows = t2.lines();
  BOOST_REQUIRE_EQUAL(rows.size(), 4u);  // header, two events, count
  BOOST_CHECK(rows[0].starts_with("TIME"));
  BOOST_CHECK(contains(rows[0], "CORRELATION"));
  BOOST_CHECK(contains(rows[1], "chat-b") && contains(rows[1], "corr-2") &&
              contains(rows[1], "user:alice") && contains(rows[1], "Happened"));
  BOOST_CHECK(contains(rows[2], "chat-b"));
  BOOST_CHECK_EQUAL(rows[3], "(2 events)");

  const auto corr = json_lines(
      run_admin(with_url(db, {"audit", "--correlation", "corr-2", "--format", "jsonl"})));
  BOOST_CHECK_EQUAL(corr.size(), 4u);
  for (const auto& e : corr) {
    BOOST_CHECK_EQUAL(e["metadata"]["correlation_id"].GetString(), std::string("corr-2"));
  }

  const auto stream =
      json_lines(run_admin(with_url(db, {"audit", "--stream", "chat-a", "--format", "jsonl"})));
  BOOST_REQUIRE_EQUAL(stream.size(), 4u);
  for (std::size_t i = 0; i < stream.size(); ++i) {
    BOOST_CHECK_EQUAL(stream[i]["stream_id"].GetString(), std::string("chat-a"));
    BOOST_CHECK_EQUAL(stream[i]["stream_version"].GetInt64(), static_cast<std::int64_t>(i + 1));
  }

  // Filters combine; a tenant's events from another tenant's stream never show up.
  BOOST_CHECK_EQUAL(json_lines(run_admin(with_url(db, {"audit", "--tenant", "t1", "--correlation",
                                                       "corr-2", "--format", "jsonl"})))
                        .size(),
                    2u);
  BOOST_CHECK_EQUAL(json_lines(run_admin(with_url(db, {"audit", "--tenant", "t2", "--stream",
                                                       "chat-a", "--format", "jsonl"})))
                        .size(),
                    0u);
  const auto nobody = run_admin(with_url(db, {"audit", "--tenant", "t9"}));
  BOOST_CHECK_EQUAL(nobody.exit_code, 0);
  BOOST_CHECK(contains(nobody.out, "(0 events)"));

  // Fetching one row per round trip streams the same history.
  BOOST_CHECK_EQUAL(
      run_admin(with_url(db, {"audit", "--tenant", "t1", "--format", "jsonl", "--batch-size", "1"}))
          .out,
      t1.out);
}

BOOST_AUTO_TEST_CASE(respects_since_and_until) {
  tests::TestDatabase db;
  // The store stamps events with now(); history from other days is written as the owner.
  {
    pqxx::connection c(db.admin_url());
    pqxx::work tx(c);
    const std::vector<std::pair<int, std::string>> events{
        {1, "'2001-01-01T00:00:00Z'"},
        {2, "now() - interval '40 days'"},
        {3, "now() - interval '10 days'"},
        {4, "now() - interval '1 hour'"},
    };
    for (const auto& [version, at] : events) {
      tx.exec_params(
          "INSERT INTO events (epoch, stream_id, stream_version, event_id, event_type,"
          " data, metadata, recorded_at)"
          " VALUES (1, 'ledger-1', $1, $2::uuid, 'Booked', '{}', $3::jsonb, " +
              at + ")",
          version, commands::new_uuid(), metadata("tw", "cw"));
    }
    tx.commit();
  }
  const auto versions = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"audit", "--tenant", "tw", "--format", "jsonl"});
    const auto run = run_admin(with_url(db, args));
    BOOST_REQUIRE_EQUAL(run.exit_code, 0);
    std::vector<std::int64_t> out;
    for (const auto& e : json_lines(run)) out.push_back(e["stream_version"].GetInt64());
    return out;
  };
  const auto iso = [&](const std::string& expression) {
    pqxx::connection c(db.admin_url());
    return pqxx::nontransaction(c)
        .exec("SELECT to_char((" + expression +
              ") AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")[0][0]
        .as<std::string>();
  };
  using V = std::vector<std::int64_t>;

  // Default window: the last 30 days.
  BOOST_CHECK(versions({}) == (V{3, 4}));
  BOOST_CHECK(versions({"--since", "2000-01-01"}) == (V{1, 2, 3, 4}));
  // --since is inclusive, --until exclusive.
  BOOST_CHECK(versions({"--since", "2001-01-01T00:00:00Z", "--until", "2001-01-02"}) == V{1});
  BOOST_CHECK(versions({"--since", "2000-12-01", "--until", "2001-01-01T00:00:00Z"}).empty());
  // An offset is honoured: 02:00+03:00 is 23:00 UTC the day before.
  BOOST_CHECK(
      versions({"--since", "2001-01-01T02:00:00+03:00", "--until", "2001-01-01 00:00:01"}) == V{1});
  BOOST_CHECK(versions({"--since", "2001-01-01T03:00:01+03:00", "--until", "2001-01-02"}).empty());
  // Without --since the window is the 30 days before --until.
  BOOST_CHECK(versions({"--until", iso("now() - interval '5 days'")}) == V{3});
  BOOST_CHECK(versions({"--since", iso("now() - interval '50 days'"), "--until",
                        iso("now() - interval '20 days'")}) == V{2});
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(tokens)

BOOST_AUTO_TEST_CASE(issue_prints_the_secret_once_and_records_only_its_hash) {
  tests::TestDatabase db;
  const auto run = run_admin({"tokens", "issue", "--role", "marketplace", "--label", "market",
                              "--database-url", db.admin_url()});
  BOOST_REQUIRE_EQUAL(run.exit_code, 0);
  const auto lines = run.lines();
  BOOST_REQUIRE_EQUAL(lines.size(), 1u);
  const auto& secret = lines[0];
  BOOST_CHECK(secret.starts_with("sbs_"));
  BOOST_CHECK_EQUAL(secret.size(), 4u + 64u);
  BOOST_CHECK_EQUAL(db.count("SELECT count(*) FROM events WHERE event_type = 'TokenIssued'"
                             " AND data->>'role' = 'marketplace'"),
                    1);
  BOOST_CHECK_EQUAL(
      db.count("SELECT count(*) FROM events WHERE data::text LIKE '%" + secret + "%'"), 0);
  BOOST_CHECK_EQUAL(db.count("SELECT count(*) FROM events WHERE data->>'sha256' ="
                             " encode(sha256('" +
                             secret + "'::bytea), 'hex')"),
                    1);
}

BOOST_AUTO_TEST_CASE(a_bad_role_is_a_usage_error_and_revoke_needs_a_known_token) {
  tests::TestDatabase db;
  BOOST_CHECK_EQUAL(
      run_admin({"tokens", "issue", "--role", "root", "--database-url", db.admin_url()}).exit_code,
      2);
  BOOST_CHECK_EQUAL(run_admin({"tokens", "revoke", "00000000-0000-4000-8000-000000000000",
                               "--database-url", db.admin_url()})
                        .exit_code,
                    1);
  BOOST_CHECK_EQUAL(db.count("SELECT count(*) FROM events"), 0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(agents)

// The one-off for agents created before CTI logins were claimed.
BOOST_AUTO_TEST_CASE(backfill_claims_exactly_the_unclaimed_logins_of_enabled_agents_once) {
  tests::TestDatabase db;
  {
    eventstore::EventStore store({.database_url = db.admin_url(), .flushers = 1, .readers = 1});
    tests::register_unclaimed_agent(store, "alice", "op1");
    tests::register_unclaimed_agent(store, "bob", "op2", false);
    // Shares alice's: the first registered keeps it.
    tests::register_unclaimed_agent(store, "erin", "op1");
  }
  BOOST_REQUIRE_EQUAL(
      run_admin(with_url(db, {"agents", "create", "dave", "--cti-login", "op4", "--password", "d"}))
          .exit_code,
      0);
  const auto claims = [&](const std::string& cti_login) {
    return db.count("SELECT count(*) FROM events WHERE stream_id = 'ctilogin-" + cti_login + "'");
  };
  const auto all_claims = [&] {
    return db.count("SELECT count(*) FROM events WHERE stream_id LIKE 'ctilogin-%'");
  };
  BOOST_REQUIRE_EQUAL(all_claims(), 1);

  const auto first = run_admin(with_url(db, {"agents", "backfill-claims"}));
  BOOST_TEST(first.exit_code == 1);
  BOOST_TEST(first.lines().front() == "claimed: alice op1");
  BOOST_TEST(
      contains(first.err, "refused: erin op1: this CTI login is already bound to agent alice"),
      first.err);
  BOOST_TEST(first.lines().back() == "1 claimed, 2 unchanged, 1 refused");
  BOOST_TEST(db.count("SELECT count(*) FROM events WHERE stream_id = 'ctilogin-op1'"
                      " AND event_type = 'CtiLoginClaimed' AND data->>'agentLogin' = 'alice'") ==
             1);
  // The disabled agent's login stays free (enabling it claims it); dave's was claimed already.
  BOOST_TEST(claims("op2") == 0);
  BOOST_TEST(claims("op4") == 1);
  BOOST_TEST(all_claims() == 2);

  const auto second = run_admin(with_url(db, {"agents", "backfill-claims"}));
  BOOST_TEST(second.lines().back() == "0 claimed, 3 unchanged, 1 refused");
  BOOST_TEST(all_claims() == 2);

  // Erin moved to a line of her own, which she claims, and alice keeps op1: nothing is left.
  BOOST_REQUIRE_EQUAL(
      run_admin(with_url(db, {"agents", "rebind", "erin", "--cti-login", "op3"})).exit_code, 0);
  const auto third = run_admin(with_url(db, {"agents", "backfill-claims"}));
  BOOST_TEST(third.exit_code == 0);
  BOOST_TEST(third.lines().back() == "0 claimed, 4 unchanged, 0 refused");
  BOOST_TEST(db.count("SELECT count(*) FROM events WHERE stream_id = 'ctilogin-op1'"
                      " AND event_type = 'CtiLoginReleased'") == 0);
}

BOOST_AUTO_TEST_SUITE_END()
