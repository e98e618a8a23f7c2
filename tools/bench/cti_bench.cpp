// switchboard-bench-cti: many agents long-polling GET /api/v1/events while the fake CTI server
// emits calls; measures events per second and the latency from the CTI event to the agent's
// response. docs/benchmarks.md (CTI section) has the set-up and the figures.
//
//   switchboard-bench-cti seed --database-url URL --agents N --tokens FILE
//       registers agents bench0..N-1 (CTI logins op0..N-1) with open sessions, straight through
//       the command pipeline (logging 5,000 agents in through scrypt would take minutes)
//   switchboard-bench-cti run --address HOST:PORT --control HOST:PORT --tokens FILE
//       [--rate 200] [--seconds 30]

#include <fmt/format.h>
#include <openssl/rand.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/program_options.hpp>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "commands/cti/password.hpp"
#include "commands/cti/session_commands.hpp"
#include "commands/pipeline.hpp"
#include "domain/cti/agent.hpp"
#include "domain/cti/session.hpp"
#include "tools/bench/http_exchange.hpp"
#include "tools/bench/stats.hpp"

namespace {

using switchboard::tools::bench::async_exchange;
using switchboard::tools::bench::percentile;

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace po = boost::program_options;
namespace dc = switchboard::domain::cti;
using Clock = std::chrono::steady_clock;
using tcp = net::ip::tcp;

struct Agent {
  std::string login;
  std::string token;
};

std::string random_token() {
  unsigned char bytes[32];
  RAND_bytes(bytes, sizeof bytes);
  std::string out;
  for (auto b : bytes) out += fmt::format("{:02x}", b);
  return out;
}

int seed(const std::string& url, int agents, const std::string& tokens_file) {
  switchboard::eventstore::EventStore store({.database_url = url});
  switchboard::commands::Pipeline<dc::Agent> agent_pipeline(store);
  switchboard::commands::Pipeline<dc::Session> session_pipeline(store);
  const auto hash = switchboard::commands::cti::hash_password("bench");
  const switchboard::commands::CommandContext context{.tenant = {},
                                                      .actor = "bench",
                                                      .correlation_id = "bench",
                                                      .causation_id = {},
                                                      .command_id = "bench",
                                                      .idempotency_key = std::nullopt};
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  std::vector<Agent> out(agents);
  std::atomic<int> next{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&] {
      for (int i = next++; i < agents; i = next++) {
        const auto login = fmt::format("bench{}", i);
        const auto cti_login = fmt::format("op{}", i);
        const dc::RegisterAgent reg{login, cti_login, hash};
        auto a =
            agent_pipeline.execute(login, context, "seed " + login,
                                   [&](const dc::AgentState& s) { return dc::decide(s, reg); });
        const auto token = random_token();
        const dc::StartSession start{login, cti_login, now, now + 12 * 3600};
        const auto id = switchboard::commands::cti::SessionCommands::session_id(token);
        auto s = session_pipeline.execute(
            id, context, "seed " + id,
            [&](const dc::SessionState& st) { return dc::decide(st, start); });
        if (!a.ok() || !s.ok()) ++failed;
        out[i] = {cti_login, token};
      }
    });
  }
  for (auto& t : threads) t.join();
  std::ofstream file{tokens_file};
  for (const auto& a : out) file << a.login << ' ' << a.token << '\n';
  fmt::print("seeded {} agents ({} failed)\n", agents, failed.load());
  return failed == 0 ? 0 : 1;
}

struct Stats {
  std::mutex mutex;
  std::map<std::string, Clock::time_point> sent;      // "login/cid"
  std::map<std::string, Clock::time_point> received;  // "login/cid"
  std::vector<Clock::time_point> expired;             // every 204: a long-poll's wait ended
  std::atomic<std::uint64_t> events{0};
  std::atomic<std::uint64_t> responses{0};
  std::atomic<std::uint64_t> errors{0};
};

class Poller : public std::enable_shared_from_this<Poller> {
 public:
  Poller(net::io_context& io, tcp::endpoint endpoint, Agent agent, Stats& stats,
         std::atomic<bool>& running)
      : io_(io),
        stream_(io),
        endpoint_(endpoint),
        agent_(std::move(agent)),
        stats_(stats),
        running_(running) {}

  void start() {
    stream_.async_connect(endpoint_, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->retry();
      self->poll();
    });
  }

 private:
  void retry() {
    ++stats_.errors;
    if (!running_) return;
    beast::error_code ignored;
    stream_.socket().close(ignored);
    auto timer = std::make_shared<net::steady_timer>(io_, std::chrono::milliseconds{200});
    timer->async_wait([self = shared_from_this(), timer](beast::error_code) { self->start(); });
  }

  void poll() {
    if (!running_) return;
    request_ = {http::verb::get,
                fmt::format("/api/v1/events?wait=20{}",
                            cursor_ > 0 ? fmt::format("&after={}", cursor_) : ""),
                11};
    request_.set(http::field::host, "bench");
    request_.set(http::field::authorization, "Bearer " + agent_.token);
    request_.keep_alive(true);
    async_exchange(stream_, request_, buffer_, response_,
                   [self = shared_from_this()](beast::error_code ec) {
                     if (ec) return self->retry();
                     self->on_response();
                   });
  }

  void on_response() {
    const auto now = Clock::now();
    ++stats_.responses;
    if (response_.result_int() == 200) {
      rapidjson::Document d;
      d.Parse(response_.body().c_str());
      if (!d.HasParseError() && d.HasMember("events")) {
        std::lock_guard lock(stats_.mutex);
        for (const auto& e : d["events"].GetArray()) {
          ++stats_.events;
          if (std::string_view{e["name"].GetString()} != "NewCall") continue;
          const std::string cid =
              e["cid"].IsString() ? e["cid"].GetString() : std::to_string(e["cid"].GetInt64());
          stats_.received.emplace(agent_.login + "/" + cid, now);
        }
        cursor_ = d["cursor"].GetInt64();
      }
    } else if (response_.result_int() == 204) {
      std::lock_guard lock(stats_.mutex);
      stats_.expired.push_back(now);
    } else {
      ++stats_.errors;
    }
    poll();
  }

  net::io_context& io_;
  beast::tcp_stream stream_;
  tcp::endpoint endpoint_;
  Agent agent_;
  Stats& stats_;
  std::atomic<bool>& running_;
  std::int64_t cursor_ = 0;
  beast::flat_buffer buffer_;
  http::request<http::empty_body> request_;
  http::response<http::string_body> response_;
};

tcp::endpoint endpoint_of(const std::string& address) {
  const auto colon = address.rfind(':');
  return {net::ip::make_address(address.substr(0, colon)),
          static_cast<unsigned short>(std::stoi(address.substr(colon + 1)))};
}

int run(const std::string& address, const std::string& control, const std::string& tokens_file,
        int rate, int seconds) {
  std::vector<Agent> agents;
  std::ifstream file{tokens_file};
  for (Agent a; file >> a.login >> a.token;) agents.push_back(a);
  Stats stats;
  std::atomic<bool> running{true};
  net::io_context io;
  for (const auto& a : agents) {
    std::make_shared<Poller>(io, endpoint_of(address), a, stats, running)->start();
  }
  std::vector<std::thread> io_threads;
  for (int i = 0; i < 2; ++i) io_threads.emplace_back([&io] { io.run(); });

  net::io_context control_io;
  beast::tcp_stream control_stream{control_io};
  control_stream.connect(endpoint_of(control));
  // Asks the fake CTI server for an incoming call to `agent`: the call's "login/cid", or nothing
  // when the fake refused.
  const auto emit = [&](const Agent& agent,
                        const std::string& caller) -> std::optional<std::string> {
    http::request<http::string_body> request{http::verb::post, "/incoming", 11};
    request.set(http::field::host, "fake-cti");
    request.body() = fmt::format(R"({{"login":"{}","caller":"{}"}})", agent.login, caller);
    request.prepare_payload();
    http::write(control_stream, request);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(control_stream, buffer, response);
    if (response.result_int() != 200) return std::nullopt;
    rapidjson::Document d;
    d.Parse(response.body().c_str());
    return agent.login + "/" + d["cid"].GetString();
  };
  const auto arrived = [&](const std::string& key) {
    std::lock_guard lock(stats.mutex);
    return stats.received.contains(key);
  };

  // Measure the steady state. Every agent first drains its attach snapshot (three events each,
  // then 5,000 acknowledgements at once), which keeps the server busy for seconds after the last
  // snapshot event went out. Settled: three probe calls in a row reached their agent within
  // 100 ms (or a minute passed). Probes are not counted below.
  const auto opened = Clock::now();
  int good = 0;
  for (std::size_t probe = 0; good < 3 && Clock::now() - opened < std::chrono::minutes{1};
       ++probe) {
    std::this_thread::sleep_for(std::chrono::milliseconds{200});
    const auto t0 = Clock::now();
    const auto key = emit(agents[probe % agents.size()], "+4900000000");
    while (key && !arrived(*key) && Clock::now() - t0 < std::chrono::seconds{5}) {
      std::this_thread::sleep_for(std::chrono::milliseconds{1});
    }
    good = key && Clock::now() - t0 < std::chrono::milliseconds{100} ? good + 1 : 0;
  }
  fmt::print("{} agents polling; {} responses, {} events, {} errors; settled after {:.1f} s\n",
             agents.size(), stats.responses.load(), stats.events.load(), stats.errors.load(),
             std::chrono::duration<double>(Clock::now() - opened).count());
  const auto events_before = stats.events.load();

  std::mt19937 random{42};
  const auto started = Clock::now();
  const auto total = rate * seconds;
  int refused = 0;
  for (int i = 0; i < total; ++i) {
    std::this_thread::sleep_until(started + std::chrono::microseconds(1'000'000LL * i / rate));
    const auto& agent = agents[random() % agents.size()];
    const auto t0 = Clock::now();
    const auto key = emit(agent, fmt::format("+49{}", i));
    if (!key) {
      ++refused;
      continue;
    }
    std::lock_guard lock(stats.mutex);
    stats.sent.emplace(*key, t0);
  }
  const auto emitted_for = std::chrono::duration<double>(Clock::now() - started).count();
  // Stragglers: wait until every call arrived or 10 s passed.
  for (int i = 0; i < 100; ++i) {
    {
      std::lock_guard lock(stats.mutex);
      if (std::all_of(stats.sent.begin(), stats.sent.end(),
                      [&](const auto& s) { return stats.received.contains(s.first); })) {
        break;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
  }
  const auto measured_for = std::chrono::duration<double>(Clock::now() - started).count();
  running = false;
  std::vector<double> latencies;
  // The tail comes in waves (long-polls opened together expire together): latencies and expired
  // waits per window of the run show whether they coincide.
  constexpr auto window = std::chrono::seconds{5};
  const auto window_of = [&](Clock::time_point t) {
    return t < started ? 0 : static_cast<std::size_t>((t - started) / window);
  };
  std::map<std::size_t, std::vector<double>> window_latencies;
  std::map<std::size_t, std::size_t> window_expired;
  std::size_t lost = 0;
  {
    std::lock_guard lock(stats.mutex);
    for (const auto& [key, t0] : stats.sent) {
      const auto it = stats.received.find(key);
      if (it == stats.received.end()) {
        ++lost;
        continue;
      }
      latencies.push_back(std::chrono::duration<double, std::milli>(it->second - t0).count());
      window_latencies[window_of(t0)].push_back(latencies.back());
    }
    for (const auto t : stats.expired) {
      if (t >= started) ++window_expired[window_of(t)];
    }
  }
  const auto delivered = stats.events.load() - events_before;
  fmt::print("agents: {}\ncalls emitted: {} in {:.1f} s ({:.0f}/s); refused by the fake: {}\n",
             agents.size(), stats.sent.size(), emitted_for, stats.sent.size() / emitted_for,
             refused);
  fmt::print("events delivered to agents: {} ({:.0f} events/s over {:.1f} s)\n", delivered,
             delivered / measured_for, measured_for);
  fmt::print("NewCall not delivered within 10 s of the end: {}\n", lost);
  fmt::print(
      "latency CTI event -> agent response (ms): p50 {:.1f}  p95 {:.1f}  p99 {:.1f}  max {:.1f}\n",
      percentile(latencies, 0.50), percentile(latencies, 0.95), percentile(latencies, 0.99),
      latencies.empty() ? 0.0 : *std::max_element(latencies.begin(), latencies.end()));
  fmt::print("HTTP errors/reconnects: {}\n", stats.errors.load());
  fmt::print("per {} s of the run: calls, p50/p99/max latency (ms), long-polls that expired\n",
             window.count());
  for (const auto& [index, values] : window_latencies) {
    fmt::print("  {:>4} s  {:>5}  {:>7.1f} {:>7.1f} {:>7.1f}  {:>5}\n", index * window.count(),
               values.size(), percentile(values, 0.5), percentile(values, 0.99),
               *std::max_element(values.begin(), values.end()), window_expired[index]);
  }
  io.stop();
  for (auto& t : io_threads) t.join();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode, url, address, control, tokens;
  int agents = 5000, rate = 200, seconds = 30;
  po::options_description options{"Options"};
  options.add_options()("mode", po::value(&mode), "seed or run")(
      "database-url", po::value(&url), "seed: the database (application or owner role)")(
      "agents", po::value(&agents)->default_value(5000), "seed: how many agents")(
      "tokens", po::value(&tokens)->default_value("cti-bench-tokens.txt"),
      "agents' session tokens")("address", po::value(&address), "run: the middleware, host:port")(
      "control", po::value(&control), "run: the fake CTI server's control port, host:port")(
      "rate", po::value(&rate)->default_value(200), "run: incoming calls per second")(
      "seconds", po::value(&seconds)->default_value(30), "run: how long to emit");
  po::positional_options_description positional;
  positional.add("mode", 1);
  po::variables_map args;
  try {
    po::store(po::command_line_parser(argc, argv).options(options).positional(positional).run(),
              args);
    po::notify(args);
  } catch (const po::error& e) {
    std::cerr << e.what() << '\n' << options;
    return 2;
  }
  if (mode == "seed" && !url.empty()) return seed(url, agents, tokens);
  if (mode == "run" && !address.empty() && !control.empty() && rate > 0 && seconds > 0) {
    return run(address, control, tokens, rate, seconds);
  }
  std::cerr << "Usage: switchboard-bench-cti seed|run [options]\n" << options;
  return 2;
}
