// Event append throughput: 1, 16 and 64 concurrent appenders, single events and batches of 10,
// against a raw batched INSERT ceiling measured in the same run on the same database. Then one
// message at a time into a chat that already has 20,000, through the command pipeline.
//
//   switchboard-bench-append --cluster-url postgresql://postgres@127.0.0.1:PORT/postgres
//
// A scratch database is created, migrated, measured and dropped.
#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <boost/program_options.hpp>
#include <chrono>
#include <iostream>
#include <pqxx/pqxx>
#include <thread>
#include <vector>

#include "commands/command_context.hpp"
#include "commands/pipeline.hpp"
#include "domain/messaging/chat.hpp"
#include "eventstore/event_store.hpp"
#include "eventstore/migrator.hpp"
#include "tools/bench/stats.hpp"

namespace po = boost::program_options;
using namespace switchboard;
using Clock = std::chrono::steady_clock;

namespace {

using switchboard::tools::bench::percentile;

struct Figures {
  double events_per_second = 0;
  double p50_ms = 0;
  double p99_ms = 0;
};

std::string replace_database(const std::string& url, const std::string& db, const char* user) {
  const auto authority = url.find("//") + 2;
  const auto at = url.find('@', authority);
  const auto host = at == std::string::npos ? authority : at + 1;
  const auto slash = url.find('/', host);
  return url.substr(0, authority) + user + "@" + url.substr(host, slash - host) + "/" + db;
}

Figures run_appenders(eventstore::EventStore& store, int appenders, int batch,
                      std::chrono::seconds duration, int scenario) {
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> events{0};
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(appenders));
  std::vector<std::thread> threads;
  const std::string metadata = R"({"tenant":"bench","actor":"bench"})";
  const std::string data = R"({"text":"hello","chat":{"id":"c-1","kind":"private"}})";
  for (int a = 0; a < appenders; ++a) {
    threads.emplace_back([&, a] {
      const auto stream = fmt::format("bench{}-{}", scenario, a);
      while (!stop) {
        eventstore::AppendRequest r;
        r.stream_id = stream;
        r.category = fmt::format("bench{}", scenario);
        for (int i = 0; i < batch; ++i)
          r.events.push_back({commands::new_uuid(), "MessageReceived", data, metadata});
        const auto t0 = Clock::now();
        const auto result = store.append(std::move(r));
        const auto ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        if (!result.succeeded()) {
          std::cerr << "append failed: " << to_string(result.status) << " " << result.error << "\n";
          continue;
        }
        latencies[static_cast<std::size_t>(a)].push_back(ms);
        events += static_cast<std::uint64_t>(batch);
      }
    });
  }
  const auto t0 = Clock::now();
  std::this_thread::sleep_for(duration);
  stop = true;
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  Figures f;
  f.events_per_second = static_cast<double>(events.load()) / seconds;
  f.p50_ms = percentile(all, 0.50);
  f.p99_ms = percentile(all, 0.99);
  return f;
}

// The ceiling: plain multi-row INSERTs of the same rows into the same table, no version check,
// no idempotency, from as many connections as the store flushes with.
Figures run_ceiling(const std::string& url, int connections, std::chrono::seconds duration) {
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> events{0};
  std::vector<std::thread> threads;
  constexpr int kRows = 500;
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      pqxx::connection conn(url);
      std::int64_t version = 0;
      while (!stop) {
        pqxx::work tx(conn);
        tx.exec_params(
            "INSERT INTO events (epoch, stream_id, stream_version, event_id, event_type, data,"
            " metadata)"
            " SELECT 1, $1, $2 + g, gen_random_uuid(), 'MessageReceived',"
            " '{\"text\":\"hello\",\"chat\":{\"id\":\"c-1\",\"kind\":\"private\"}}'::jsonb,"
            " '{\"tenant\":\"bench\",\"actor\":\"bench\"}'::jsonb"
            " FROM generate_series(1, $3) g",
            fmt::format("ceiling-{}", c), version, kRows);
        tx.commit();
        version += kRows;
        events += kRows;
      }
    });
  }
  const auto t0 = Clock::now();
  std::this_thread::sleep_for(duration);
  stop = true;
  for (auto& t : threads) t.join();
  Figures f;
  f.events_per_second =
      static_cast<double>(events.load()) / std::chrono::duration<double>(Clock::now() - t0).count();
  return f;
}

// One message at a time through the pipeline into a chat of `messages`: as it runs, and with a
// reader holding the chat's state during each command, which makes the pipeline copy the state
// as it did for every command before it moved unshared states on in place.
void run_long_chat(eventstore::EventStore& store, int messages) {
  using domain::messaging::Chat;
  commands::Pipeline<Chat> pipeline(store);
  const auto stream = pipeline.stream_id("long");
  const commands::CommandContext context{.tenant = "bench", .actor = "bench"};
  int next = 0;
  auto receive = [&](int count) {
    return [&, count](const Chat::State&) {
      std::vector<domain::NewEvent> events;
      for (int i = 0; i < count; ++i, ++next) {
        events.push_back({"MessageReceived",
                          fmt::format(R"({{"message_id":"m-{0}","provider_message_id":"p-{0}",)"
                                      R"("text":"hello {0}"}})",
                                      next)});
      }
      return domain::Decision(std::move(events));
    };
  };
  while (next < messages) {
    if (!pipeline.execute("long", context, "fill", receive(1000)).ok()) {
      std::cerr << "filling the chat failed\n";
      return;
    }
  }
  constexpr int kMessages = 200;
  auto per_message = [&](bool held) {
    const auto t0 = Clock::now();
    for (int i = 0; i < kMessages; ++i) {
      const auto reader = held ? pipeline.cached(stream) : nullptr;
      pipeline.execute("long", context, "one", receive(1));
    }
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count() / kMessages;
  };
  const double in_place = per_message(false);
  const double copied = per_message(true);
  fmt::print(
      "\none message into a chat of {}: {:.3f} ms in place, {:.3f} ms copying the state "
      "(copy/in place {:.1f}x)\n",
      messages, in_place, copied, copied / in_place);
}

}  // namespace

int main(int argc, char** argv) {
  std::string cluster_url;
  int seconds = 5;
  int flushers = 4;
  po::options_description options("switchboard-bench-append");
  options.add_options()("help", "this text")(
      "cluster-url", po::value(&cluster_url)->required(),
      "PostgreSQL URL of a superuser on the cluster to measure (a scratch database is made)")(
      "seconds", po::value(&seconds)->default_value(5), "duration of each scenario")(
      "flushers", po::value(&flushers)->default_value(4), "group-commit flusher connections");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, options), vm);
    if (vm.count("help")) {
      std::cout << options;
      return 0;
    }
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n" << options;
    return 2;
  }

  const std::string db = "sb_bench_" + commands::new_uuid().substr(0, 8);
  {
    pqxx::connection c(cluster_url);
    pqxx::nontransaction(c).exec("CREATE DATABASE " + db);
  }
  const auto admin_url = replace_database(cluster_url, db, "postgres");
  eventstore::migrate(admin_url);
  {
    pqxx::connection c(admin_url);
    pqxx::nontransaction(c).exec("ALTER ROLE switchboard_app LOGIN");
  }
  const auto app_url = replace_database(cluster_url, db, "switchboard_app");
  const auto duration = std::chrono::seconds(seconds);

  const auto ceiling = run_ceiling(app_url, flushers, duration);
  fmt::print("raw batched INSERT ceiling ({} connections x 500 rows): {:.0f} events/s\n\n",
             flushers, ceiling.events_per_second);
  fmt::print("{:>10} {:>6} {:>12} {:>9} {:>9} {:>8}\n", "appenders", "batch", "events/s", "p50 ms",
             "p99 ms", "ratio");
  double single64 = 0;
  {
    eventstore::EventStore store({.database_url = app_url, .flushers = flushers});
    int scenario = 0;
    for (int batch : {1, 10}) {
      for (int appenders : {1, 16, 64}) {
        const auto f = run_appenders(store, appenders, batch, duration, ++scenario);
        fmt::print("{:>10} {:>6} {:>12.0f} {:>9.2f} {:>9.2f} {:>8.2f}\n", appenders, batch,
                   f.events_per_second, f.p50_ms, f.p99_ms,
                   f.events_per_second / ceiling.events_per_second);
        if (appenders == 64 && batch == 1) single64 = f.events_per_second;
      }
    }
  }
  fmt::print("\n64 concurrent single-event appenders: {:.0f} events/s (target 40000: {})\n",
             single64, single64 >= 40000 ? "met" : "not met");
  {
    eventstore::EventStore store({.database_url = app_url, .flushers = flushers});
    run_long_chat(store, 20'000);
  }

  pqxx::connection c(cluster_url);
  pqxx::nontransaction(c).exec("DROP DATABASE " + db + " WITH (FORCE)");
  return 0;
}
