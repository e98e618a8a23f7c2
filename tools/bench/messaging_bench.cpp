// switchboard-bench-messaging: inbound messages end to end over HTTP. Providers' client tokens
// POST /public/v1/messages at a fixed rate (open loop); the benchmark measures the sustained
// rate, the accept latency (HTTP 201) and the time until the CRM's chat projection
// (GET /crm/v1/chats/{provider}/{chat}/messages) shows a sample of the messages. A baseline phase
// at the seed's floor rate runs first, in the same run, and the target phase is compared with it.
// docs/benchmarks.md (messaging section) has the set-up and the figures.
//
//   switchboard-bench-messaging seed --address HOST:PORT --marketplace-token T
//       --provider-url URL [--provider-control URL] [--admin-token T] [--tenants N] [--out FILE]
//       over HTTP only, as the marketplace, the developer and the CRM would: registers app
//       `app-bench` (provider `bench`), enables the communications scope, uploads a configuration
//       pointing at the fake provider, installs the app for N sandbox tenants bench-t0..N-1,
//       issues a CRM user token per tenant and activates one client token per tenant (registered
//       with the fake provider's control port first); writes `tenant client_token user_token`
//       lines to FILE
//   switchboard-bench-messaging users --address HOST:PORT --marketplace-token T --tokens FILE
//       --users N [--connections 4] [--out FILE]
//       issues CRM user tokens for users bench-user-0..N-1, user i of tenant i % tenants (the
//       tenants of the seed's FILE); writes `tenant user token` lines for poll's --user-tokens
//   switchboard-bench-messaging run --address HOST:PORT --tokens FILE --rate R --seconds S
//       [--connections 64] [--baseline-rate 800] [--baseline-seconds 10] [--bulk N]
//
// Open loop: message i is due at start + i/R; due messages wait in one queue for the first free
// keep-alive connection, and the accept latency counts from the due time, so queueing shows.
// Every --sample-every'th message goes to one of the tenant's probe chats (probe-0..), which
// carry only sampled messages, so a sample stays on the first page of its chat; pollers read
// those chats with the tenant's CRM user token while the load runs and record the delay from
// the 201 to the first answer that lists the message (an upper bound: it includes one GET and
// up to --poll-interval-ms of waiting).
// --bulk N sends the messages as POST /public/v1/bulk requests of N items each, as a provider
// with traffic to spare would: request j carries messages jN..jN+N-1, all of one tenant, and is
// due when its last message is; each accepted item counts with its request's latency.
//
//   switchboard-bench-messaging poll --address HOST:PORT[,HOST:PORT...] --tokens FILE --users N
//       [--interval-ms 5000] [--seconds 60] [--threads 2] [--ramp-seconds 20]
//       [--baseline-users 1000] [--baseline-seconds 20] [--source-addresses A,B,...]
//       [--first-user K --start-at-ms T --samples FILE] [--user-tokens FILE]
//   switchboard-bench-messaging merge SAMPLES...
//
// CRM users polling their chat list (the issue's 45,900 users every 5 s, p99 <= 100 ms): each
// user holds one keep-alive connection with its own CRM user token from --user-tokens (user i
// takes line i; without the file, its tenant's one token, round robin over the tenants) and sends
// GET /crm/v1/chats?limit=20 at every slot of a grid, its phase spread evenly over the interval;
// the latency counts from the slot, so queueing shows. Connections open at
// --users / --ramp-seconds per second; a failed one is tried again after a second. The baseline
// users connect and are measured first, then the others join and all are measured. The soft
// RLIMIT_NOFILE is raised to the hard one; loopback source addresses (--source-addresses
// 127.0.0.2,127.0.0.3) multiply the ephemeral ports (about 28k per source and destination).
// Each user sends If-None-Match with the ETag of the last list it got, as a CRM would; 200 and
// 304 both count as answered. Users are spread over the servers given (round robin). More users
// than one process may hold descriptors for run as several processes (tools/bench/poll-split.sh):
// each takes a slice (--first-user, --users), all share one epoch (--start-at-ms), each writes its
// samples, and `merge` reports them as one run, percentiles over all the latencies.

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <netinet/in.h>
#include <openssl/rand.h>
#include <rapidjson/document.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/program_options.hpp>
#include <chrono>
#include <cmath>
#include <deque>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>

#include "tools/bench/http_exchange.hpp"
#include "tools/bench/stats.hpp"

namespace {

using switchboard::tools::bench::async_exchange;
using switchboard::tools::bench::KeepAliveConnection;
using switchboard::tools::bench::percentile;

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace po = boost::program_options;
using Clock = std::chrono::steady_clock;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

constexpr const char* kProvider = "bench";
constexpr const char* kApp = "app-bench";
constexpr const char* kDeveloper = "dev-bench";
constexpr const char* kUser = "bench-reader";
// The seed's figures (issue): the floor now and with growth, and the goal on the 2-core machine.
constexpr double kFloorNow = 800;
constexpr double kFloorGrowth = 1400;
constexpr double kGoalRate = 10'000;
constexpr int kGoalSeconds = 60;
constexpr double kGoalP99Ms = 50;

std::string random_hex(int bytes) {
  std::vector<unsigned char> data(static_cast<std::size_t>(bytes));
  RAND_bytes(data.data(), bytes);
  std::string out;
  for (auto b : data) out += fmt::format("{:02x}", b);
  return out;
}

tcp::endpoint resolve(const std::string& host, const std::string& port) {
  net::io_context io;
  tcp::resolver resolver{io};
  return *resolver.resolve(host, port).begin();
}

// HOST:PORT
tcp::endpoint endpoint_of(const std::string& address) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("expected HOST:PORT: " + address);
  return resolve(address.substr(0, colon), address.substr(colon + 1));
}

// http://HOST:PORT[/base]: the endpoint and the base path (without a trailing slash).
std::pair<tcp::endpoint, std::string> url_of(const std::string& url) {
  constexpr std::string_view scheme = "http://";
  if (url.rfind(scheme, 0) != 0) throw std::runtime_error("expected http://HOST:PORT: " + url);
  const auto rest = url.substr(scheme.size());
  const auto slash = rest.find('/');
  auto base = slash == std::string::npos ? std::string{} : rest.substr(slash);
  while (!base.empty() && base.back() == '/') base.pop_back();
  return {endpoint_of(rest.substr(0, slash)), base};
}

double max_of(const std::vector<double>& values) {
  return values.empty() ? 0.0 : *std::max_element(values.begin(), values.end());
}

// ---------------------------------------------------------------------------------------------
// seed

struct Answer {
  int status = 0;  // 0: no answer
  std::string body;
  std::string text() const { return fmt::format("{} {}", status, body); }
};

// A blocking keep-alive client for the set-up steps.
class Client {
 public:
  Client(tcp::endpoint endpoint, std::string token)
      : stream_(io_), endpoint_(endpoint), token_(std::move(token)) {}

  Answer call(http::verb method, const std::string& target, const std::string& body = {}) {
    for (int attempt = 0;; ++attempt) {
      try {
        if (!connected_) {
          stream_.expires_after(10s);
          stream_.connect(endpoint_);
          connected_ = true;
        }
        http::request<http::string_body> request{method, target, 11};
        request.set(http::field::host, "bench");
        if (!token_.empty()) request.set(http::field::authorization, "Bearer " + token_);
        if (!body.empty()) request.set(http::field::content_type, "application/json");
        request.body() = body;
        request.keep_alive(true);
        request.prepare_payload();
        stream_.expires_after(30s);
        http::write(stream_, request);
        beast::flat_buffer buffer;
        http::response<http::string_body> response;
        http::read(stream_, buffer, response);
        if (response.need_eof()) close();
        return {static_cast<int>(response.result_int()), response.body()};
      } catch (const beast::system_error& e) {
        close();  // a keep-alive connection the server closed: once more on a new one
        if (attempt >= 1) return {0, e.code().message()};
      }
    }
  }

 private:
  void close() {
    beast::error_code ignored;
    stream_.socket().close(ignored);
    connected_ = false;
  }

  net::io_context io_;
  beast::tcp_stream stream_;
  tcp::endpoint endpoint_;
  std::string token_;
  bool connected_ = false;
};

std::string member(const std::string& json, const char* name) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember(name) || !d[name].IsString()) return {};
  return d[name].GetString();
}

// Calls until `done` holds of the answer or `seconds` pass (the read models follow the log
// within moments: a token just issued, an installation just made).
Answer until(const std::function<Answer()>& call, const std::function<bool(const Answer&)>& done,
             int seconds = 30) {
  const auto deadline = Clock::now() + std::chrono::seconds{seconds};
  for (;;) {
    auto answer = call();
    if (done(answer) || Clock::now() > deadline) return answer;
    std::this_thread::sleep_for(50ms);
  }
}

struct Failed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void expect(const Answer& answer, std::initializer_list<int> statuses, const std::string& step) {
  if (std::find(statuses.begin(), statuses.end(), answer.status) == statuses.end()) {
    throw Failed(step + ": " + answer.text());
  }
}

struct SeedOptions {
  std::string address, marketplace_token, admin_token, provider_url, provider_control, out;
  int tenants = 2;
};

int seed(const SeedOptions& o) {
  const auto sb = endpoint_of(o.address);
  Client marketplace{sb, o.marketplace_token};
  const auto registered =
      marketplace.call(http::verb::post, "/internal/v1/apps",
                       fmt::format(R"({{"app_id":"{}","system_name":"{}","developer_id":"{}",)"
                                   R"("initial_version":"1.0"}})",
                                   kApp, kProvider, kDeveloper));
  expect(registered, {201, 409}, "register the app");
  fmt::print("app {}: {}\n", kApp, registered.status == 201 ? "registered" : "already registered");
  // The scope needs the app that was just registered: the read model follows within moments.
  const auto enabled = until(
      [&] {
        return marketplace.call(http::verb::put,
                                fmt::format("/internal/v1/apps/{}/scopes/communications", kApp),
                                R"({"app_version":"1.0"})");
      },
      [](const Answer& a) { return a.status == 200; });
  expect(enabled, {200}, "enable the communications scope");
  const auto issued = marketplace.call(
      http::verb::post, fmt::format("/internal/v1/developers/{}/tokens", kDeveloper));
  expect(issued, {201}, "issue the developer token");
  Client developer{sb, member(issued.body, "token")};
  const auto base = o.provider_url.back() == '/'
                        ? o.provider_url.substr(0, o.provider_url.size() - 1)
                        : o.provider_url;
  const auto configuration = fmt::format(
      R"({{"version":1,"app_version":"1.0","auth_type":"token","endpoints":{{)"
      R"("list_accounts":"{0}/accounts","send_message":"{0}/messages",)"
      R"("read_chat":"{0}/chats/read","update_message_text":"{0}/messages/text",)"
      R"("update_message_status":"{0}/messages/status","app_disabled":"{0}/app-disabled"}}}})",
      base);
  const auto uploaded = until(
      [&] {
        return developer.call(http::verb::post,
                              fmt::format("/developer/v1/providers/{}/configurations", kProvider),
                              configuration);
      },
      [](const Answer& a) { return a.status != 401; });
  expect(uploaded, {201, 409}, "upload the configuration");
  fmt::print("configuration 1 -> {}: {}\n", base,
             uploaded.status == 201 ? "uploaded" : "already there (409)");

  std::optional<Client> control;
  std::string control_base;
  if (!o.provider_control.empty()) {
    auto [endpoint, path] = url_of(o.provider_control);
    control.emplace(endpoint, "");
    control_base = path;
  }
  std::ofstream file{o.out};
  if (!file) throw Failed("cannot write " + o.out);
  for (int t = 0; t < o.tenants; ++t) {
    const auto tenant = fmt::format("bench-t{}", t);
    const auto installed = until(
        [&] {
          return marketplace.call(
              http::verb::post, fmt::format("/internal/v1/tenants/{}/installations", tenant),
              fmt::format(R"({{"app_id":"{}","app_version":"1.0","sandbox":true}})", kApp));
        },
        [](const Answer& a) { return a.status == 201 || a.status == 409; });
    expect(installed, {201, 409}, "install for " + tenant);
    const auto user_issued = marketplace.call(
        http::verb::post, fmt::format("/internal/v1/tenants/{}/users/{}/tokens", tenant, kUser));
    expect(user_issued, {201}, "issue the user token of " + tenant);
    const auto user_token = member(user_issued.body, "token");
    Client user{sb, user_token};
    expect(until([&] { return user.call(http::verb::get, "/crm/v1/connections"); },
                 [](const Answer& a) { return a.status == 200; }),
           {200}, "the user token of " + tenant + " authenticates");

    const auto client_token = "bench-" + random_hex(32);
    if (control) {
      expect(control->call(http::verb::post, control_base + "/tokens",
                           fmt::format(R"({{"token":"{}"}})", client_token)),
             {200}, "register the client token with the fake provider");
    }
    const auto activated = until(
        [&] {
          return user.call(
              http::verb::post, "/crm/v1/connections",
              fmt::format(R"({{"provider_code":"{}","token":"{}"}})", kProvider, client_token));
        },
        [](const Answer& a) { return a.status == 201; });
    expect(activated, {201}, "activate the client token of " + tenant);
    // Authentication reads the messaging_connections read model: a warm-up message is refused
    // (401) until it follows.
    Client provider{sb, client_token};
    const auto warmed = until(
        [&] {
          return provider.call(
              http::verb::post, "/public/v1/messages",
              R"({"provider_message_id":"warmup-1","chat":{"id":"warmup","kind":"private",)"
              R"("participants":[{"id":"bench","name":"Bench"}]},)"
              R"("sender":{"id":"bench","name":"Bench"},"text":"warm-up"})");
        },
        [](const Answer& a) { return a.status != 401; });
    expect(warmed, {200, 201}, "the client token of " + tenant + " authenticates");
    // list_accounts answered: the connection has a child account besides main (when the fake
    // provider reports channels; a single-channel provider has none and is waited for in vain).
    const auto synced = until(
        [&] { return user.call(http::verb::get, "/crm/v1/connections"); },
        [](const Answer& a) { return a.body.find(R"("main":false)") != std::string::npos; }, 10);
    fmt::print("{}: connected{}\n", tenant,
               synced.body.find(R"("main":false)") != std::string::npos
                   ? ", list_accounts answered"
                   : " (no child account after 10 s: did the fake provider know the token?)");
    file << tenant << ' ' << client_token << ' ' << user_token << '\n';
  }
  file.close();
  if (!o.admin_token.empty()) {
    Client admin{sb, o.admin_token};
    const auto errors = admin.call(
        http::verb::get,
        fmt::format("/admin/v1/errors?source=delivery&provider_code={}&limit=5", kProvider));
    rapidjson::Document d;
    d.Parse(errors.body.c_str());
    const auto count =
        !d.HasParseError() && d.IsObject() && d.HasMember("items") && d["items"].IsArray()
            ? d["items"].Size()
            : 0;
    fmt::print("delivery errors logged for {}: {}{}\n", kProvider, count,
               count > 0 ? fmt::format(" (newest: {})", errors.body.substr(0, 400)) : "");
  }
  fmt::print("seeded {} tenant(s) into {}\n", o.tenants, o.out);
  return 0;
}

struct Tenant {
  std::string id, client_token, user_token;
};

// The tenants the seed wrote.
std::vector<Tenant> read_tenants(const std::string& path) {
  std::vector<Tenant> tenants;
  std::ifstream file{path};
  for (Tenant t; file >> t.id >> t.client_token >> t.user_token;) tenants.push_back(t);
  if (tenants.empty()) throw Failed("no tenants in " + path);
  return tenants;
}

// ---------------------------------------------------------------------------------------------
// users

struct UsersOptions {
  std::string address, marketplace_token, tokens, out;
  int users = 0;
  int connections = 4;
};

// One CRM user token per simulated user, as the marketplace issues them to a tenant's users, so
// a poll run authenticates as many users as it simulates.
int users(const UsersOptions& o) {
  const auto tenants = read_tenants(o.tokens);
  const auto sb = endpoint_of(o.address);
  std::vector<std::string> tokens(static_cast<std::size_t>(o.users));
  std::atomic<int> next{0};
  std::mutex failure_mutex;
  std::string failure;
  std::vector<std::thread> threads;
  for (int c = 0; c < o.connections; ++c) {
    threads.emplace_back([&] {
      Client marketplace{sb, o.marketplace_token};
      for (int i = next++; i < o.users; i = next++) {
        const auto& tenant = tenants[static_cast<std::size_t>(i) % tenants.size()];
        const auto issued = marketplace.call(
            http::verb::post,
            fmt::format("/internal/v1/tenants/{}/users/bench-user-{}/tokens", tenant.id, i));
        if (issued.status != 201 || member(issued.body, "token").empty()) {
          std::lock_guard lock(failure_mutex);
          failure = fmt::format("issue the token of bench-user-{}: {}", i, issued.text());
          next = o.users;
          return;
        }
        tokens[static_cast<std::size_t>(i)] = member(issued.body, "token");
      }
    });
  }
  for (auto& t : threads) t.join();
  if (!failure.empty()) throw Failed(failure);
  std::ofstream file{o.out};
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    file << tenants[i % tenants.size()].id << " bench-user-" << i << ' ' << tokens[i] << '\n';
  }
  if (!file.flush()) throw Failed("cannot write " + o.out);
  fmt::print("issued {} CRM user token(s) over {} tenant(s) into {}\n", o.users, tenants.size(),
             o.out);
  return 0;
}

// ---------------------------------------------------------------------------------------------
// run

struct RunOptions {
  std::string address, tokens;
  double rate = 10'000;
  int seconds = 60;
  double baseline_rate = kFloorNow;
  int baseline_seconds = 10;
  int connections = 256;
  int threads = 2;
  int chats = 100;
  int probe_chats = 10;
  int sample_every = 100;
  int bulk = 0;  // items per POST /public/v1/bulk; 0: POST /public/v1/messages one by one
  int pollers = 2;
  int poll_interval_ms = 20;
  int drain_seconds = 30;
};

// One load phase and what it measured. Guarded by Bench::mutex_.
struct Phase {
  std::string name;
  double rate = 0;
  int seconds = 0;
  std::uint64_t total = 0;
  Clock::time_point started, last_accepted;
  std::uint64_t answered = 0, accepted = 0;
  std::uint64_t unanswered = 0;         // still queued or in flight when the drain time ran out
  std::vector<double> accept_ms;        // scheduled time -> 201 (open loop)
  std::vector<double> due_s;            // of each accept_ms: due, from the phase's start
  std::vector<double> service_ms;       // request written -> 201 (the server alone)
  std::map<int, std::uint64_t> errors;  // status (0: no answer) -> count
  std::map<int, std::string> first_error;
  std::uint64_t samples = 0, not_visible = 0;
  std::vector<double> visible_ms;  // 201 -> first CRM answer listing the message
  double emitted_for = 0;
};

// A request: message `index` and the `count` - 1 after it.
struct Job {
  std::uint64_t index;
  Clock::time_point due;
  Phase* phase;
  std::uint64_t count = 1;
};

// What message `index` of a phase is: deterministic, so the sender and the recorder agree.
struct MessageRef {
  std::size_t tenant;
  std::string chat;
  int customer;
  bool sampled;
};

class Sender;
class Poller;

class Bench {
 public:
  Bench(net::io_context& io, tcp::endpoint endpoint, std::vector<Tenant> tenants, RunOptions o)
      : io_(io),
        endpoint_(endpoint),
        tenants_(std::move(tenants)),
        options_(std::move(o)),
        run_id_(random_hex(4)) {}

  void open();
  void run_phase(Phase& phase);
  void stop() { stopping_ = true; }

  // For senders and pollers.
  const tcp::endpoint& endpoint() const { return endpoint_; }
  const std::vector<Tenant>& tenants() const { return tenants_; }
  const RunOptions& options() const { return options_; }
  bool stopping() const { return stopping_; }
  MessageRef describe(std::uint64_t index) const;
  std::uint64_t per_request() const { return options_.bulk > 0 ? options_.bulk : 1; }
  std::string body_of(const Job& job, std::uint64_t index, const MessageRef& m) const;
  std::string request_body(const Job& job) const;
  std::optional<Job> finished(const Job& job, int status, const std::string& body,
                              Clock::time_point written, const std::shared_ptr<Sender>& sender);
  void ready(const std::shared_ptr<Sender>& sender, bool connected);
  // Pollers: the probe chat to read next (tenant, chat), or none due now.
  std::optional<std::pair<std::size_t, std::string>> next_chat();
  void seen(const std::pair<std::size_t, std::string>& chat,
            const std::unordered_set<std::string>& listed, Clock::time_point at);
  void release(const std::pair<std::size_t, std::string>& chat);

 private:
  struct Sample {
    std::string provider_message_id;
    Clock::time_point accepted;
    Phase* phase;
  };
  struct ProbeChat {
    std::vector<Sample> samples;
    Clock::time_point polled{};
    bool busy = false;
  };

  void dispatch();  // mutex_ held
  std::uint64_t pending_samples(const Phase& phase);
  // One message's outcome (mutex_ held).
  void record(const Job& job, std::uint64_t index, int status, std::string_view body,
              Clock::time_point written, Clock::time_point now);

  net::io_context& io_;
  tcp::endpoint endpoint_;
  std::vector<Tenant> tenants_;
  RunOptions options_;
  std::string run_id_;
  std::atomic<bool> stopping_{false};

  std::mutex mutex_;
  std::deque<Job> queue_;
  std::vector<std::shared_ptr<Sender>> idle_;
  std::size_t connected_ = 0;
  std::map<std::pair<std::size_t, std::string>, ProbeChat> probes_;
  std::vector<std::shared_ptr<Sender>> senders_;
  std::vector<std::shared_ptr<Poller>> pollers_;
};

// One keep-alive connection posting messages, one at a time.
class Sender : public std::enable_shared_from_this<Sender> {
 public:
  Sender(net::io_context& io, Bench& bench) : connection_(io, bench.endpoint()), bench_(bench) {}

  void connect() {
    connection_.open(
        [self = shared_from_this()](beast::error_code ec) { self->bench_.ready(self, !ec); });
  }

  void run(Job job) {
    job_ = job;
    const auto m = bench_.describe(job_.index);
    request_ = {http::verb::post,
                bench_.options().bulk > 0 ? "/public/v1/bulk" : "/public/v1/messages", 11};
    request_.set(http::field::host, "bench");
    request_.set(http::field::authorization, "Bearer " + bench_.tenants()[m.tenant].client_token);
    request_.set(http::field::content_type, "application/json");
    request_.keep_alive(true);
    request_.body() = bench_.request_body(job_);
    request_.prepare_payload();
    written_ = Clock::now();
    connection_.exchange(request_, response_, [self = shared_from_this()](beast::error_code ec) {
      self->next(ec ? self->bench_.finished(self->job_, 0, ec.message(), self->written_, self)
                    : self->bench_.finished(self->job_,
                                            static_cast<int>(self->response_.result_int()),
                                            self->response_.body(), self->written_, self));
    });
  }

 private:
  void next(std::optional<Job> job) {
    if (job) run(*job);
  }

  KeepAliveConnection connection_;
  Bench& bench_;
  Job job_{};
  Clock::time_point written_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
};

// Reads probe chats through the CRM API with the tenant's user token while samples wait.
class Poller : public std::enable_shared_from_this<Poller> {
 public:
  Poller(net::io_context& io, Bench& bench)
      : connection_(io, bench.endpoint()), timer_(io), bench_(bench) {}

  void start() { next(); }

 private:
  void next() {
    if (bench_.stopping()) return;
    auto chat = bench_.next_chat();
    if (!chat) {
      timer_.expires_after(5ms);
      timer_.async_wait([self = shared_from_this()](beast::error_code) { self->next(); });
      return;
    }
    chat_ = std::move(*chat);
    get();
  }

  void get() {
    request_ = {http::verb::get,
                fmt::format("/crm/v1/chats/{}/{}/messages?limit=200", kProvider, chat_.second), 11};
    request_.set(http::field::host, "bench");
    request_.set(http::field::authorization, "Bearer " + bench_.tenants()[chat_.first].user_token);
    request_.keep_alive(true);
    connection_.exchange(request_, response_, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->fail();
      self->on_response();
    });
  }

  void on_response() {
    const auto now = Clock::now();
    std::unordered_set<std::string> listed;
    if (response_.result_int() == 200) {  // 404: the chat is not projected yet
      rapidjson::Document d;
      d.Parse(response_.body().c_str());
      if (!d.HasParseError() && d.IsObject() && d.HasMember("items") && d["items"].IsArray()) {
        for (const auto& item : d["items"].GetArray()) {
          if (item.HasMember("provider_message_id") && item["provider_message_id"].IsString()) {
            listed.insert(item["provider_message_id"].GetString());
          }
        }
      }
    }
    bench_.seen(chat_, listed, now);
    next();
  }

  void fail() {
    bench_.release(chat_);
    timer_.expires_after(50ms);
    timer_.async_wait([self = shared_from_this()](beast::error_code) { self->next(); });
  }

  KeepAliveConnection connection_;
  net::steady_timer timer_;
  Bench& bench_;
  std::pair<std::size_t, std::string> chat_;
  http::request<http::empty_body> request_;
  http::response<http::string_body> response_;
};

MessageRef Bench::describe(std::uint64_t index) const {
  const auto n = tenants_.size();
  // A bulk request speaks for one tenant; single messages take turns.
  const auto per = per_request();
  if (index % static_cast<std::uint64_t>(options_.sample_every) == 0) {
    const auto s = index / static_cast<std::uint64_t>(options_.sample_every);
    const auto probe = static_cast<int>((s / n) % static_cast<std::uint64_t>(options_.probe_chats));
    const auto tenant = per > 1 ? (index / per) % n : s % n;
    return {static_cast<std::size_t>(tenant), fmt::format("probe-{}", probe), 100'000 + probe,
            true};
  }
  // A cheap mix, so consecutive messages of a tenant go to different chats.
  auto x = index * 0x9E3779B97F4A7C15ULL;
  x ^= x >> 29;
  const auto chat = static_cast<int>((x / n) % static_cast<std::uint64_t>(options_.chats));
  return {static_cast<std::size_t>((index / per) % n), fmt::format("c-{}", chat), chat, false};
}

std::string Bench::request_body(const Job& job) const {
  if (options_.bulk == 0) return body_of(job, job.index, describe(job.index));
  std::string body = R"({"items":[)";
  for (auto i = job.index; i < job.index + job.count; ++i) {
    if (i != job.index) body += ',';
    body += R"({"message":)" + body_of(job, i, describe(i)) + '}';
  }
  return body + "]}";
}

std::string Bench::body_of(const Job& job, std::uint64_t index, const MessageRef& m) const {
  return fmt::format(
      R"({{"provider_message_id":"{}-{}-{}","chat":{{"id":"{}","kind":"private",)"
      R"("title":"Customer {}","participants":[{{"id":"cust-{}","name":"Customer {}"}}]}},)"
      R"("sender":{{"id":"cust-{}","name":"Customer {}"}},)"
      R"("text":"Hello, this is message {} of the benchmark. Is my order shipped?"}})",
      run_id_, job.phase->name, index, m.chat, m.customer, m.customer, m.customer, m.customer,
      m.customer, index);
}

void Bench::open() {
  for (int i = 0; i < options_.connections; ++i) {
    senders_.push_back(std::make_shared<Sender>(io_, *this));
    senders_.back()->connect();
  }
  const auto deadline = Clock::now() + 10s;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (idle_.size() == senders_.size()) {
        fmt::print("{} connections open ({} connected), {} poller(s)\n", senders_.size(),
                   connected_, options_.pollers);
        break;
      }
    }
    if (Clock::now() > deadline) throw std::runtime_error("connections did not open in 10 s");
    std::this_thread::sleep_for(10ms);
  }
  for (int i = 0; i < options_.pollers; ++i) {
    pollers_.push_back(std::make_shared<Poller>(io_, *this));
    pollers_.back()->start();
  }
}

void Bench::ready(const std::shared_ptr<Sender>& sender, bool connected) {
  std::lock_guard lock(mutex_);
  connected_ += connected;
  idle_.push_back(sender);
  dispatch();
}

void Bench::dispatch() {
  while (!idle_.empty() && !queue_.empty()) {
    auto sender = std::move(idle_.back());
    idle_.pop_back();
    net::post(io_, [sender, job = queue_.front()] { sender->run(job); });
    queue_.pop_front();
  }
}

std::optional<Job> Bench::finished(const Job& job, int status, const std::string& body,
                                   Clock::time_point written,
                                   const std::shared_ptr<Sender>& sender) {
  const auto now = Clock::now();
  // A bulk answer is 200 with {results: [{index, status, body}]}, one per item.
  rapidjson::Document results;
  if (options_.bulk > 0 && status == 200) results.Parse(body.data(), body.size());
  const bool itemised = results.IsObject() && results.HasMember("results") &&
                        results["results"].IsArray() &&
                        results["results"].Size() == static_cast<rapidjson::SizeType>(job.count);
  std::lock_guard lock(mutex_);
  for (std::uint64_t k = 0; k < job.count; ++k) {
    if (!itemised) {
      record(job, job.index + k, options_.bulk > 0 && status == 200 ? -1 : status, body, written,
             now);
      continue;
    }
    const auto& item = results["results"][static_cast<rapidjson::SizeType>(k)];
    const int item_status =
        item.HasMember("status") && item["status"].IsInt() ? item["status"].GetInt() : -1;
    record(job, job.index + k, item_status, body, written, now);
  }
  if (!queue_.empty()) {
    auto next = queue_.front();
    queue_.pop_front();
    return next;
  }
  idle_.push_back(sender);
  return std::nullopt;
}

void Bench::record(const Job& job, std::uint64_t index, int status, std::string_view body,
                   Clock::time_point written, Clock::time_point now) {
  auto& p = *job.phase;
  ++p.answered;
  if (status != 201) {
    ++p.errors[status];
    p.first_error.try_emplace(status, body.substr(0, 300));
    return;
  }
  ++p.accepted;
  p.last_accepted = std::max(p.last_accepted, now);
  p.accept_ms.push_back(std::chrono::duration<double, std::milli>(now - job.due).count());
  p.due_s.push_back(std::chrono::duration<double>(job.due - p.started).count());
  p.service_ms.push_back(std::chrono::duration<double, std::milli>(now - written).count());
  const auto m = describe(index);
  if (m.sampled) {
    ++p.samples;
    probes_[{m.tenant, m.chat}].samples.push_back(
        {fmt::format("{}-{}-{}", run_id_, p.name, index), now, &p});
  }
}

std::optional<std::pair<std::size_t, std::string>> Bench::next_chat() {
  const auto now = Clock::now();
  const auto interval = std::chrono::milliseconds{options_.poll_interval_ms};
  std::lock_guard lock(mutex_);
  ProbeChat* best = nullptr;
  const std::pair<std::size_t, std::string>* key = nullptr;
  for (auto& [k, chat] : probes_) {
    if (chat.busy || chat.samples.empty() || chat.polled + interval > now) continue;
    if (best == nullptr || chat.polled < best->polled) {
      best = &chat;
      key = &k;
    }
  }
  if (best == nullptr) return std::nullopt;
  best->busy = true;
  best->polled = now;
  return *key;
}

void Bench::seen(const std::pair<std::size_t, std::string>& chat,
                 const std::unordered_set<std::string>& listed, Clock::time_point at) {
  std::lock_guard lock(mutex_);
  auto& probe = probes_[chat];
  probe.busy = false;
  std::erase_if(probe.samples, [&](const Sample& s) {
    if (!listed.contains(s.provider_message_id)) return false;
    s.phase->visible_ms.push_back(
        std::chrono::duration<double, std::milli>(at - s.accepted).count());
    return true;
  });
}

void Bench::release(const std::pair<std::size_t, std::string>& chat) {
  std::lock_guard lock(mutex_);
  probes_[chat].busy = false;
}

std::uint64_t Bench::pending_samples(const Phase& phase) {
  std::uint64_t n = 0;
  for (const auto& [k, chat] : probes_) {
    for (const auto& s : chat.samples) n += s.phase == &phase;
  }
  return n;
}

void Bench::run_phase(Phase& p) {
  p.total = static_cast<std::uint64_t>(std::llround(p.rate * p.seconds));
  const double ns_per_message = 1e9 / p.rate;
  const auto due_of = [&](std::uint64_t i) {
    return p.started + std::chrono::nanoseconds{
                           static_cast<std::int64_t>(static_cast<double>(i) * ns_per_message)};
  };
  {
    std::lock_guard lock(mutex_);
    p.started = Clock::now() + 20ms;
    p.last_accepted = p.started;
  }
  fmt::print("phase {}: {} msg/s for {} s ({} messages)\n", p.name, p.rate, p.seconds, p.total);
  // Open loop: every message due by now goes to the queue; a free connection takes it at once.
  // The main thread wakes at least 1 ms apart; the latency counts from the exact due time.
  std::uint64_t issued = 0;
  while (issued < p.total) {
    const auto now = Clock::now();
    if (now >= p.started) {
      const auto elapsed = std::chrono::duration<double, std::nano>(now - p.started).count();
      const auto due = std::min<std::uint64_t>(
          p.total, static_cast<std::uint64_t>(elapsed / ns_per_message) + 1);
      if (due > issued) {
        std::lock_guard lock(mutex_);
        // A request is due with its last message.
        const auto per = per_request();
        for (; issued < due; ++issued) {
          if ((issued + 1) % per != 0 && issued + 1 != p.total) continue;
          const auto first = issued / per * per;
          queue_.push_back({first, due_of(issued), &p, issued + 1 - first});
        }
        dispatch();
      }
    }
    if (issued < p.total) std::this_thread::sleep_until(std::max(due_of(issued), now + 1ms));
  }
  p.emitted_for = std::chrono::duration<double>(Clock::now() - p.started).count();
  // Drain: every answer, or --drain-seconds.
  const auto deadline = Clock::now() + std::chrono::seconds{options_.drain_seconds};
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (p.answered >= p.total) break;
      if (Clock::now() > deadline) {
        std::erase_if(queue_, [&](const Job& j) { return j.phase == &p; });
        p.unanswered = p.total - p.answered;
        break;
      }
    }
    std::this_thread::sleep_for(10ms);
  }
  // The samples still waiting for the projection.
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      const auto pending = pending_samples(p);
      if (pending == 0) break;
      if (Clock::now() > deadline + std::chrono::seconds{options_.drain_seconds}) {
        p.not_visible = pending;
        for (auto& [k, chat] : probes_) {
          std::erase_if(chat.samples, [&](const Sample& s) { return s.phase == &p; });
        }
        break;
      }
    }
    std::this_thread::sleep_for(10ms);
  }
}

std::string ms(double v) {
  return v >= 100 ? fmt::format("{:.0f}", v) : fmt::format("{:.1f}", v);
}

std::string thousands(double v) {
  auto s = fmt::format("{:.0f}", v);
  for (int i = static_cast<int>(s.size()) - 3; i > 0 && s[static_cast<std::size_t>(i) - 1] != '-';
       i -= 3) {
    s.insert(static_cast<std::size_t>(i), ",");
  }
  return s;
}

// A phase's latencies per 5 s of due time: whether its tail is spread or comes in waves.
void report_windows(std::string_view phase, std::string_view unit,
                    const std::vector<double>& latency_ms, const std::vector<double>& due_s) {
  constexpr double kWindowS = 5;
  std::map<int, std::vector<double>> windows;
  for (std::size_t i = 0; i < latency_ms.size(); ++i) {
    windows[static_cast<int>(due_s[i] / kWindowS)].push_back(latency_ms[i]);
  }
  fmt::print(
      "\n{} per {} s of due time:\n\n| from s | {} | p50 ms | p99 ms | max ms |\n"
      "|---:|---:|---:|---:|---:|\n",
      phase, kWindowS, unit);
  for (const auto& [window, latencies] : windows) {
    fmt::print("| {} | {} | {} | {} | {} |\n", window * kWindowS,
               thousands(static_cast<double>(latencies.size())), ms(percentile(latencies, 0.50)),
               ms(percentile(latencies, 0.99)), ms(max_of(latencies)));
  }
}

struct Figures {
  double achieved, p50, p95, p99, max, service_p50, service_p99, visible_p50, visible_p99,
      visible_max;
  std::uint64_t errors;
};

Figures figures_of(const Phase& p) {
  const auto window =
      std::max(std::chrono::duration<double>(p.last_accepted - p.started).count(), 1e-3);
  std::uint64_t errors = p.unanswered;
  for (const auto& [status, n] : p.errors) errors += n;
  return {static_cast<double>(p.accepted) / window,
          percentile(p.accept_ms, 0.50),
          percentile(p.accept_ms, 0.95),
          percentile(p.accept_ms, 0.99),
          max_of(p.accept_ms),
          percentile(p.service_ms, 0.50),
          percentile(p.service_ms, 0.99),
          percentile(p.visible_ms, 0.50),
          percentile(p.visible_ms, 0.99),
          max_of(p.visible_ms),
          errors};
}

void report(const std::vector<Phase*>& phases, const RunOptions& o, std::size_t tenants) {
  fmt::print(
      "\n{} tenant(s), {} connections, {}, {} chats + {} probe chats per tenant, 1 in {} "
      "messages sampled for visibility\n\n",
      tenants, o.connections,
      o.bulk > 0 ? fmt::format("POST /public/v1/bulk with {} items", o.bulk)
                 : std::string{"POST /public/v1/messages"},
      o.chats, o.probe_chats, o.sample_every);
  fmt::print(
      "| phase | target msg/s | achieved msg/s | accepted | errors | p50 ms | p95 ms | p99 ms | "
      "max ms | visible p50 ms | visible p99 ms |\n"
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  std::vector<Figures> all;
  for (const auto* p : phases) {
    const auto f = figures_of(*p);
    all.push_back(f);
    fmt::print("| {} | {} | {} | {}/{} | {} | {} | {} | {} | {} | {} | {} |\n", p->name,
               thousands(p->rate), thousands(f.achieved), thousands(p->accepted),
               thousands(p->total), f.errors, ms(f.p50), ms(f.p95), ms(f.p99), ms(f.max),
               ms(f.visible_p50), ms(f.visible_p99));
  }
  fmt::print("\n");
  for (std::size_t i = 0; i < phases.size(); ++i) {
    const auto& p = *phases[i];
    const auto& f = all[i];
    fmt::print(
        "{}: emitted in {:.1f} s; server time (written -> 201) p50 {} ms, p99 {} ms; visible "
        "{}/{} samples (max {} ms), {} not visible within the drain time\n",
        p.name, p.emitted_for, ms(f.service_p50), ms(f.service_p99), p.visible_ms.size(), p.samples,
        ms(f.visible_max), p.not_visible);
    if (p.unanswered > 0) fmt::print("  {}: unanswered at the drain deadline\n", p.unanswered);
    for (const auto& [status, n] : p.errors) {
      fmt::print("  {} x {}: {}\n", n, status == 0 ? "no answer" : fmt::format("HTTP {}", status),
                 p.first_error.at(status));
    }
  }
  report_windows(phases.back()->name, "messages", phases.back()->accept_ms, phases.back()->due_s);
  if (phases.size() == 2) {
    const auto& b = all[0];
    const auto& t = all[1];
    const auto ratio = [](double x, double y) {
      return y > 0 ? fmt::format("{:.2f}", x / y) : std::string{"-"};
    };
    fmt::print(
        "\ntarget / baseline: achieved rate {}, p50 {}, p99 {}, visible p50 {}, visible p99 {}\n",
        ratio(t.achieved, b.achieved), ratio(t.p50, b.p50), ratio(t.p99, b.p99),
        ratio(t.visible_p50, b.visible_p50), ratio(t.visible_p99, b.visible_p99));
  }
  const auto& target = *phases.back();
  const auto& t = all.back();
  const auto yes = [](bool ok) { return ok ? "met" : "NOT met"; };
  const auto floor = [&](double rate) -> std::string {
    if (target.rate < rate) return "not measured (the target rate is below it)";
    return yes(t.achieved >= 0.99 * rate && t.errors == 0);
  };
  fmt::print("floors: {} msg/s (now) {}; {} msg/s (growth) {}; achieved {} msg/s\n",
             thousands(kFloorNow), floor(kFloorNow), thousands(kFloorGrowth), floor(kFloorGrowth),
             thousands(t.achieved));
  const bool goal_run = target.rate >= kGoalRate && target.seconds >= kGoalSeconds;
  fmt::print("goal ({} msg/s for {} s, p99 <= {} ms): {}\n", thousands(kGoalRate), kGoalSeconds,
             kGoalP99Ms,
             goal_run ? yes(t.achieved >= 0.99 * kGoalRate && t.p99 <= kGoalP99Ms && t.errors == 0)
                      : "not measured (the target phase is smaller than the goal)");
}

int run(RunOptions o) {
  const auto tenants = read_tenants(o.tokens);
  net::io_context io;
  auto guard = net::make_work_guard(io);
  Bench bench{io, endpoint_of(o.address), tenants, o};
  std::vector<std::thread> threads;
  for (int i = 0; i < o.threads; ++i) threads.emplace_back([&io] { io.run(); });
  Phase baseline{.name = "baseline", .rate = o.baseline_rate, .seconds = o.baseline_seconds};
  Phase target{.name = "target", .rate = o.rate, .seconds = o.seconds};
  std::vector<Phase*> phases;
  try {
    bench.open();
    if (o.baseline_seconds > 0 && o.baseline_rate > 0) {
      bench.run_phase(baseline);
      phases.push_back(&baseline);
      std::this_thread::sleep_for(2s);
    }
    bench.run_phase(target);
    phases.push_back(&target);
  } catch (...) {
    bench.stop();
    io.stop();
    for (auto& t : threads) t.join();
    throw;
  }
  bench.stop();
  io.stop();  // requests still in flight (past the drain time) are abandoned
  for (auto& t : threads) t.join();
  report(phases, o, tenants.size());
  return 0;
}

// ---------------------------------------------------------------------------------------------
// poll

// The issue's second figure: CRM users holding keep-alive connections and polling their chat
// list every 5 s.
constexpr int kPollGoalUsers = 45'900;
constexpr int kPollGoalIntervalMs = 5'000;
constexpr double kPollGoalP99Ms = 100;
constexpr const char* kChatList = "/crm/v1/chats?limit=20";
// Descriptors besides the users' sockets: the standard streams, epoll, the resolver and so on.
constexpr rlim_t kSpareDescriptors = 64;
// After a ramp, before the window opens: connections retried once are in.
constexpr auto kSettle = 1s;

struct PollOptions {
  std::string address, tokens, source_addresses;
  int users = kPollGoalUsers;
  // Several processes share one run (a process holds at most RLIMIT_NOFILE connections): this
  // one's users are first_user .. first_user + users - 1 of all, which pick tenant, server and
  // phase on the grid; they share the epoch start_at_ms (Unix ms; 0: now) and write their
  // samples for `merge`.
  int first_user = 0;
  std::int64_t start_at_ms = 0;
  std::string samples;
  std::string user_tokens;  // the users mode's file; empty: each tenant's one user token
  int interval_ms = kPollGoalIntervalMs;
  int seconds = 60;
  int threads = 2;
  double ramp_seconds = 20;
  int baseline_users = 1000;
  int baseline_seconds = 20;
  int drain_seconds = 30;
};

// One measured window and what it measured: the polls due in it, and the connections that failed
// in it. Guarded by PollBench::mutex_.
struct PollPhase {
  std::string name;
  int users = 0;
  int seconds = 0;
  Clock::time_point from, to;
  std::uint64_t sent = 0, finished = 0, ok = 0, errors = 0, connect_errors = 0, reconnects = 0;
  std::uint64_t not_modified = 0;  // of ok: 304 to the user's last ETag
  std::uint64_t unanswered = 0;    // sent, still in flight at the drain deadline
  std::size_t open_at_end = 0;
  std::vector<double> latency_ms;                 // due time -> 200 (open loop)
  std::vector<double> due_s;                      // of each latency: due, from the phase's start
  std::map<std::string, std::uint64_t> failures;  // what -> count
  std::map<std::string, std::string> first_failure;
};

class PollBench {
 public:
  PollBench(std::vector<tcp::endpoint> endpoints, std::vector<Tenant> tenants,
            std::vector<std::string> user_tokens, PollOptions o)
      : endpoints_(std::move(endpoints)),
        tenants_(std::move(tenants)),
        user_tokens_(std::move(user_tokens)),
        options_(std::move(o)),
        interval_(std::chrono::milliseconds{options_.interval_ms}) {
    // The processes of one run must agree on the grid: they derive it from their shared epoch.
    std::uint64_t seed = static_cast<std::uint64_t>(options_.start_at_ms) * 0x9E3779B97F4A7C15ull;
    if (options_.start_at_ms == 0) RAND_bytes(reinterpret_cast<unsigned char*>(&seed), sizeof seed);
    first_phase_ = static_cast<double>(seed >> 11) * 0x1.0p-53;
  }

  // Set before the users start.
  void plan(std::vector<PollPhase> phases) {
    phases_ = std::move(phases);
    end_ = phases_.back().to;
  }

  // Users are spread over the servers round robin.
  const tcp::endpoint& endpoint(std::size_t user) const {
    return endpoints_[user % endpoints_.size()];
  }
  const std::string& token_of(std::size_t user) const {
    return user_tokens_.empty() ? tenants_[user % tenants_.size()].user_token
                                : user_tokens_[user % user_tokens_.size()];
  }
  Clock::duration interval() const { return interval_; }
  Clock::time_point end() const { return end_; }

  // The user's first poll at or after `after`: users sit on a grid of interval-long slots, at
  // phases spread evenly over the interval (golden-ratio steps from a random start), so the
  // requests arrive evenly whatever the ramp.
  Clock::time_point first_due(std::size_t user, Clock::time_point after) const {
    const double phase =
        std::fmod(first_phase_ + static_cast<double>(user) * 0.6180339887498949, 1);
    const auto origin = epoch_ + std::chrono::duration_cast<Clock::duration>(interval_ * phase);
    if (after <= origin) return origin;
    return origin + interval_ * ((after - origin + interval_ - Clock::duration{1}) / interval_);
  }

  void sent(Clock::time_point due) {
    std::lock_guard lock(mutex_);
    ++phase_of(due).sent;
  }

  void answered(Clock::time_point due, int status, const std::string& body, Clock::time_point at) {
    std::lock_guard lock(mutex_);
    auto& p = phase_of(due);
    ++p.finished;
    if (status == 200 || status == 304) {
      ++p.ok;
      if (status == 304) ++p.not_modified;
      p.latency_ms.push_back(std::chrono::duration<double, std::milli>(at - due).count());
      p.due_s.push_back(std::chrono::duration<double>(due - p.from).count());
      return;
    }
    ++p.errors;
    const auto what = fmt::format("HTTP {}", status);
    ++p.failures[what];
    p.first_failure.try_emplace(what, body.substr(0, 300));
  }

  // The exchange failed (on a new connection, or once more after a reused one failed).
  void failed(Clock::time_point due, beast::error_code ec) {
    std::lock_guard lock(mutex_);
    auto& p = phase_of(due);
    ++p.finished;
    ++p.errors;
    const auto what = "no answer: " + ec.message();
    ++p.failures[what];
    p.first_failure.try_emplace(what, "");
  }

  // A reused keep-alive connection failed (the server closed it): the poll goes once more on a
  // new one.
  void reconnected(Clock::time_point due) {
    std::lock_guard lock(mutex_);
    ++phase_of(due).reconnects;
  }

  void connect_failed(beast::error_code ec) {
    const bool ports =
        ec == boost::system::errc::address_not_available || ec == net::error::address_in_use;
    if (ports && !ports_reported_.exchange(true)) {
      fmt::print(stderr,
                 "\n*** {}: the ephemeral ports for {} are exhausted ({} ports per source address "
                 "and destination, {} source address(es), {} connections open); add loopback "
                 "source addresses (--source-addresses 127.0.0.2,127.0.0.3) or widen "
                 "/proc/sys/net/ipv4/ip_local_port_range ***\n\n",
                 ec.message(), endpoints_.front().address().to_string(), ports_, sources_,
                 open_.load());
    }
    if (ec == net::error::no_descriptors && !descriptors_reported_.exchange(true)) {
      fmt::print(stderr, "\n*** {}: out of file descriptors with {} connections open ***\n\n",
                 ec.message(), open_.load());
    }
    std::lock_guard lock(mutex_);
    auto& p = phase_of(Clock::now());
    ++p.connect_errors;
    const auto what = "connect: " + ec.message();
    ++p.failures[what];
    p.first_failure.try_emplace(what, "");
  }

  void opened() { ++open_; }
  void closed() { --open_; }
  void done() { ++done_; }
  std::size_t open() const { return open_; }
  std::size_t users_done() const { return done_; }
  void set_ports(std::size_t ports, std::size_t sources) {
    ports_ = ports;
    sources_ = sources;
  }
  void set_epoch(Clock::time_point epoch) { epoch_ = epoch; }

  // For the main thread.
  template <class F>
  auto with_phases(F f) {
    std::lock_guard lock(mutex_);
    return f(phases_, outside_);
  }

 private:
  PollPhase& phase_of(Clock::time_point t) {  // mutex_ held
    for (auto& p : phases_) {
      if (t >= p.from && t < p.to) return p;
    }
    return outside_;
  }

  std::vector<tcp::endpoint> endpoints_;
  std::vector<Tenant> tenants_;
  std::vector<std::string> user_tokens_;
  PollOptions options_;
  Clock::duration interval_;
  double first_phase_ = 0;
  Clock::time_point epoch_{}, end_{};
  std::size_t ports_ = 0, sources_ = 1;
  std::atomic<std::size_t> open_{0}, done_{0};
  std::atomic<bool> ports_reported_{false}, descriptors_reported_{false};

  std::mutex mutex_;
  std::vector<PollPhase> phases_;
  PollPhase outside_{.name = "outside the windows"};
};

#ifdef IP_BIND_ADDRESS_NO_PORT
// The port is chosen at connect, per destination, not at bind, per source address alone.
using BindAddressNoPort = net::detail::socket_option::boolean<IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT>;
#endif

// One CRM user: one keep-alive connection, GET the chat list at every slot. Everything of a user
// runs on its strand.
class PollUser : public std::enable_shared_from_this<PollUser> {
 public:
  PollUser(net::io_context& io, PollBench& bench, std::size_t index,
           std::optional<net::ip::address> source)
      : strand_(net::make_strand(io)),
        stream_(strand_),
        timer_(strand_),
        bench_(bench),
        index_(index),
        source_(source) {
    request_ = {http::verb::get, kChatList, 11};
    request_.set(http::field::host, "bench");
    request_.set(http::field::authorization, "Bearer " + bench_.token_of(index_));
    request_.keep_alive(true);
  }

  // Called before the I/O threads run.
  void start(Clock::time_point connect_at) {
    timer_.expires_at(connect_at);
    timer_.async_wait([self = shared_from_this()](beast::error_code) { self->connect(); });
  }

 private:
  void connect() {
    if (Clock::now() >= bench_.end()) return bench_.done();
    if (source_) {
      auto& socket = stream_.socket();
      beast::error_code ec;
      socket.open(bench_.endpoint(index_).protocol(), ec);
#ifdef IP_BIND_ADDRESS_NO_PORT
      if (!ec) socket.set_option(BindAddressNoPort{true}, ec);
#endif
      if (!ec) socket.bind({*source_, 0}, ec);
      if (ec) return connect_failed(ec);
    }
    stream_.expires_after(10s);
    stream_.async_connect(bench_.endpoint(index_),
                          [self = shared_from_this()](beast::error_code ec) {
                            if (ec) return self->connect_failed(ec);
                            self->connected_ = true;
                            self->bench_.opened();
                            if (!self->scheduled_) {
                              self->scheduled_ = true;
                              self->due_ = self->bench_.first_due(self->index_, Clock::now());
                            }
                            self->wait();
                          });
  }

  // Once more after a second; a poll due meanwhile waits, and its latency shows it.
  void connect_failed(beast::error_code ec) {
    close();
    bench_.connect_failed(ec);
    timer_.expires_after(1s);
    timer_.async_wait([self = shared_from_this()](beast::error_code) { self->connect(); });
  }

  void wait() {
    if (due_ >= bench_.end()) return bench_.done();  // the connection stays open until the end
    timer_.expires_at(due_);
    timer_.async_wait([self = shared_from_this()](beast::error_code) { self->poll(); });
  }

  void poll() {
    if (!connected_) return connect();
    if (!retried_) bench_.sent(due_);
    // As a CRM does: the list it shows is the one last received, so it asks whether it changed.
    if (!etag_.empty()) request_.set(http::field::if_none_match, etag_);
    stream_.expires_after(30s);
    async_exchange(stream_, request_, buffer_, response_,
                   [self = shared_from_this()](beast::error_code ec) {
                     if (ec) return self->failed(ec);
                     self->answered();
                   });
  }

  void answered() {
    const auto now = Clock::now();
    retried_ = false;
    bench_.answered(due_, static_cast<int>(response_.result_int()), response_.body(), now);
    if (const auto tag = response_.find(http::field::etag); tag != response_.end()) {
      etag_ = std::string(tag->value());
    }
    if (response_.need_eof()) close();
    // 45,900 users: no body or buffer kept between polls.
    response_ = {};
    buffer_.clear();
    buffer_.shrink_to_fit();
    due_ += bench_.interval();
    wait();
  }

  void failed(beast::error_code ec) {
    close();
    // The connection was opened ahead of the poll, so the server may have closed it meanwhile
    // (its keep-alive limit, http.read_timeout_ms): once more on a fresh one.
    if (!retried_) {
      retried_ = true;
      bench_.reconnected(due_);
      return connect();
    }
    retried_ = false;
    bench_.failed(due_, ec);
    due_ += bench_.interval();
    timer_.expires_after(1s);
    timer_.async_wait([self = shared_from_this()](beast::error_code) { self->connect(); });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().close(ignored);
    if (connected_) bench_.closed();
    connected_ = false;
    buffer_.clear();
  }

  net::strand<net::io_context::executor_type> strand_;
  beast::tcp_stream stream_;
  net::steady_timer timer_;
  PollBench& bench_;
  std::size_t index_;
  std::optional<net::ip::address> source_;
  bool connected_ = false, scheduled_ = false, retried_ = false;
  std::string etag_;
  Clock::time_point due_{};
  beast::flat_buffer buffer_;
  http::request<http::empty_body> request_;
  http::response<http::string_body> response_;
};

// RLIMIT_NOFILE: the soft limit raised to the hard one; the hard one.
rlim_t raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) throw std::runtime_error("getrlimit(RLIMIT_NOFILE)");
  const auto soft = limit.rlim_cur;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    throw std::runtime_error(fmt::format("setrlimit(RLIMIT_NOFILE, {})", limit.rlim_max));
  }
  fmt::print("open files: soft limit {} raised to the hard limit {}\n", soft, limit.rlim_max);
  return limit.rlim_max;
}

// The ephemeral port range's size (Linux); 0 when unknown.
std::size_t ephemeral_ports() {
  std::ifstream file{"/proc/sys/net/ipv4/ip_local_port_range"};
  std::size_t low = 0, high = 0;
  if (!(file >> low >> high) || high < low) return 0;
  fmt::print("ephemeral ports: {}-{} ({} per source address and destination)\n", low, high,
             high - low + 1);
  return high - low + 1;
}

std::vector<net::ip::address> addresses_of(const std::string& list) {
  std::vector<net::ip::address> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    const auto comma = std::min(list.find(',', start), list.size());
    if (comma > start) out.push_back(net::ip::make_address(list.substr(start, comma - start)));
    start = comma + 1;
  }
  return out;
}

struct PollFigures {
  double target, achieved, p50, p95, p99, max;
};

PollFigures figures_of(const PollPhase& p, const PollOptions& o) {
  return {p.users * 1000.0 / o.interval_ms, static_cast<double>(p.ok) / p.seconds,
          percentile(p.latency_ms, 0.50),   percentile(p.latency_ms, 0.95),
          percentile(p.latency_ms, 0.99),   max_of(p.latency_ms)};
}

void report(const std::vector<PollPhase>& phases, const PollPhase& outside, const PollOptions& o,
            std::size_t tenants, std::size_t sources) {
  fmt::print(
      "\n{} tenant(s), one keep-alive connection per user, GET {} every {} ms, connections "
      "opened at {:.0f}/s, {} source address(es); latency from the due time\n\n",
      tenants, kChatList, o.interval_ms, o.ramp_seconds > 0 ? o.users / o.ramp_seconds : 0.0,
      std::max<std::size_t>(sources, 1));
  fmt::print(
      "| phase | users | open at end | target req/s | achieved req/s | ok | errors | conn errors | "
      "p50 ms | p95 ms | p99 ms | max ms |\n"
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  std::vector<PollFigures> all;
  for (const auto& p : phases) {
    const auto f = figures_of(p, o);
    all.push_back(f);
    fmt::print("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", p.name,
               thousands(p.users), thousands(static_cast<double>(p.open_at_end)),
               thousands(f.target), thousands(f.achieved), thousands(static_cast<double>(p.ok)),
               p.errors + p.unanswered, p.connect_errors, ms(f.p50), ms(f.p95), ms(f.p99),
               ms(f.max));
  }
  fmt::print("\n");
  const auto details = [](const PollPhase& p) {
    for (const auto& [what, n] : p.failures) {
      const auto& first = p.first_failure.at(what);
      fmt::print("  {} x {}{}\n", n, what, first.empty() ? "" : ": " + first);
    }
  };
  for (const auto& p : phases) {
    fmt::print(
        "{}: {} s window, {} polls due, {} sent, {} answered ({} ok: {} lists, {} not modified), "
        "{} unanswered at the drain deadline, {} retried on a new connection\n",
        p.name, p.seconds,
        thousands(static_cast<double>(p.users) * p.seconds * 1000.0 / o.interval_ms),
        thousands(static_cast<double>(p.sent)), thousands(static_cast<double>(p.finished)),
        thousands(static_cast<double>(p.ok)), thousands(static_cast<double>(p.ok - p.not_modified)),
        thousands(static_cast<double>(p.not_modified)), p.unanswered, p.reconnects);
    details(p);
  }
  fmt::print("ramps and settling (not measured): {} ok, {} errors, {} connection errors\n",
             thousands(static_cast<double>(outside.ok)), outside.errors, outside.connect_errors);
  details(outside);
  report_windows(phases.back().name, "polls", phases.back().latency_ms, phases.back().due_s);
  if (phases.size() == 2) {
    const auto& b = all[0];
    const auto& t = all[1];
    const auto ratio = [](double x, double y) {
      return y > 0 ? fmt::format("{:.2f}", x / y) : std::string{"-"};
    };
    fmt::print("\ntarget / baseline: users {}, achieved rate {}, p50 {}, p95 {}, p99 {}\n",
               ratio(phases[1].users, phases[0].users), ratio(t.achieved, b.achieved),
               ratio(t.p50, b.p50), ratio(t.p95, b.p95), ratio(t.p99, b.p99));
  }
  const auto& target = phases.back();
  const auto& t = all.back();
  // Each connected user polls once per interval, give or take one poll in the window.
  std::vector<std::string> flaws;
  if (target.errors + target.unanswered + target.connect_errors > 0) flaws.emplace_back("errors");
  if (target.open_at_end < static_cast<std::size_t>(target.users)) {
    flaws.push_back(fmt::format("{} connections missing",
                                static_cast<std::size_t>(target.users) - target.open_at_end));
  }
  if (static_cast<double>(target.ok) + 1 < 0.99 * t.target * target.seconds) {
    flaws.emplace_back("short of the target rate");
  }
  const bool clean = flaws.empty();
  fmt::print("{}: p99 {} ms {} {} ms{}\n", target.name, ms(t.p99),
             t.p99 <= kPollGoalP99Ms ? "<=" : ">", kPollGoalP99Ms,
             clean ? "" : fmt::format(" ({})", fmt::join(flaws, ", ")));
  const bool goal_run = target.users >= kPollGoalUsers && o.interval_ms == kPollGoalIntervalMs;
  fmt::print("goal ({} users polling every {} s, p99 <= {} ms): {}\n", thousands(kPollGoalUsers),
             kPollGoalIntervalMs / 1000, kPollGoalP99Ms,
             goal_run ? (clean && t.p99 <= kPollGoalP99Ms ? "met" : "NOT met")
                      : "not measured (fewer users or another interval)");
}

// What one poll process measured, as `merge` reads it back.
struct PollRun {
  std::vector<PollPhase> phases;
  PollPhase outside;
  PollOptions options;
  std::size_t tenants = 0, sources = 0;
};

// Text: a header line; per phase (the outside last) a line of counts ending with its name, its
// latencies one per line, and its failures as "count<TAB>what<TAB>first answer".
void write_samples(const std::string& path, const PollRun& run) {
  std::ofstream out{path};
  out.precision(10);
  out << "poll-samples " << run.options.interval_ms << ' ' << run.options.ramp_seconds << ' '
      << run.options.users << ' ' << run.tenants << ' ' << run.sources << ' ' << run.phases.size()
      << '\n';
  const auto put = [&out](const PollPhase& p) {
    out << p.users << ' ' << p.seconds << ' ' << p.sent << ' ' << p.finished << ' ' << p.ok << ' '
        << p.not_modified << ' ' << p.errors << ' ' << p.connect_errors << ' ' << p.reconnects
        << ' ' << p.unanswered << ' ' << p.open_at_end << ' ' << p.latency_ms.size() << ' '
        << p.failures.size() << ' ' << p.name << '\n';
    for (std::size_t i = 0; i < p.latency_ms.size(); ++i) {
      out << p.latency_ms[i] << ' ' << p.due_s[i] << '\n';
    }
    for (const auto& [what, n] : p.failures) {
      auto first = p.first_failure.at(what);
      std::ranges::replace(first, '\n', ' ');
      std::ranges::replace(first, '\t', ' ');
      out << n << '\t' << what << '\t' << first << '\n';
    }
  };
  for (const auto& p : run.phases) put(p);
  put(run.outside);
  if (!out.flush()) throw Failed("cannot write " + path);
}

PollRun read_samples(const std::string& path) {
  std::ifstream in{path};
  std::string magic;
  PollRun run;
  std::size_t phases = 0;
  if (!(in >> magic >> run.options.interval_ms >> run.options.ramp_seconds >> run.options.users >>
        run.tenants >> run.sources >> phases) ||
      magic != "poll-samples") {
    throw Failed(path + ": not a samples file of switchboard-bench-messaging poll");
  }
  const auto get = [&](PollPhase& p) {
    std::size_t latencies = 0, failures = 0;
    in >> p.users >> p.seconds >> p.sent >> p.finished >> p.ok >> p.not_modified >> p.errors >>
        p.connect_errors >> p.reconnects >> p.unanswered >> p.open_at_end >> latencies >>
        failures >> std::ws;
    std::getline(in, p.name);
    p.latency_ms.resize(latencies);
    p.due_s.resize(latencies);
    for (std::size_t i = 0; i < latencies; ++i) in >> p.latency_ms[i] >> p.due_s[i];
    in >> std::ws;
    for (std::size_t i = 0; i < failures; ++i) {
      std::string line;
      std::getline(in, line);
      const auto what_at = line.find('\t') + 1;
      const auto first_at = line.find('\t', what_at) + 1;
      if (what_at == 0 || first_at == 0) throw Failed(path + ": a bad failure line: " + line);
      const auto what = line.substr(what_at, first_at - 1 - what_at);
      p.failures[what] = std::stoull(line.substr(0, what_at - 1));
      p.first_failure[what] = line.substr(first_at);
    }
    if (!in) throw Failed(path + ": truncated");
  };
  run.phases.resize(phases);
  for (auto& p : run.phases) get(p);
  get(run.outside);
  return run;
}

void add(PollPhase& into, const PollPhase& from) {
  into.users += from.users;
  into.sent += from.sent;
  into.finished += from.finished;
  into.ok += from.ok;
  into.not_modified += from.not_modified;
  into.errors += from.errors;
  into.connect_errors += from.connect_errors;
  into.reconnects += from.reconnects;
  into.unanswered += from.unanswered;
  into.open_at_end += from.open_at_end;
  into.latency_ms.insert(into.latency_ms.end(), from.latency_ms.begin(), from.latency_ms.end());
  into.due_s.insert(into.due_s.end(), from.due_s.begin(), from.due_s.end());
  for (const auto& [what, n] : from.failures) {
    into.failures[what] += n;
    into.first_failure.try_emplace(what, from.first_failure.at(what));
  }
}

// The processes of one run as one: counts added, percentiles over all their latencies.
int merge(const std::vector<std::string>& files) {
  if (files.empty()) throw Failed("merge: name the samples files the poll processes wrote");
  auto run = read_samples(files.front());
  for (std::size_t f = 1; f < files.size(); ++f) {
    const auto more = read_samples(files[f]);
    if (more.phases.size() != run.phases.size()) {
      throw Failed(files[f] + ": other phases than " + files.front());
    }
    for (std::size_t i = 0; i < run.phases.size(); ++i) add(run.phases[i], more.phases[i]);
    add(run.outside, more.outside);
    run.options.users += more.options.users;
    run.sources = std::max(run.sources, more.sources);
  }
  fmt::print("{} poll process(es) merged: counts added, percentiles over all their samples\n",
             files.size());
  report(run.phases, run.outside, run.options, run.tenants, run.sources);
  return 0;
}

int poll(PollOptions o) {
  const auto tenants = read_tenants(o.tokens);
  std::vector<tcp::endpoint> endpoints;
  for (std::size_t start = 0; start < o.address.size();) {
    const auto comma = std::min(o.address.find(',', start), o.address.size());
    endpoints.push_back(endpoint_of(o.address.substr(start, comma - start)));
    start = comma + 1;
  }
  if (endpoints.empty()) throw Failed("--address: no server");
  const auto& endpoint = endpoints.front();
  const auto sources = addresses_of(o.source_addresses);
  for (const auto& s : sources) {
    if (s.is_v4() != endpoint.address().is_v4()) {
      throw Failed("source address " + s.to_string() + " is not of the server's family");
    }
  }
  // Bound once here, so that EADDRNOTAVAIL later means ports, not a foreign address.
  for (const auto& s : sources) {
    net::io_context probe;
    tcp::socket socket{probe};
    beast::error_code ec;
    socket.open(endpoint.protocol(), ec);
    if (!ec) socket.bind({s, 0}, ec);
    if (ec) {
      throw Failed("source address " + s.to_string() + ": " + ec.message() +
                   " (not local? on Linux every 127.x.y.z is)");
    }
  }

  const auto limit = raise_descriptor_limit();
  if (static_cast<rlim_t>(o.users) + kSpareDescriptors > limit) {
    throw Failed(fmt::format(
        "{} users need {} file descriptors, over the hard limit (RLIMIT_NOFILE) of {}: raise it "
        "(as root: ulimit -Hn, /etc/security/limits.conf, systemd LimitNOFILE=) or run fewer "
        "--users; a server on this machine needs as many",
        o.users, static_cast<rlim_t>(o.users) + kSpareDescriptors, limit));
  }
  const auto ports = ephemeral_ports();
  const auto port_space = ports * std::max<std::size_t>(sources.size(), 1);
  if (ports > 0 && static_cast<std::size_t>(o.users) > port_space) {
    fmt::print(stderr,
               "warning: {} users over {} source address(es) x {} ports: connects will fail with "
               "EADDRNOTAVAIL; add --source-addresses 127.0.0.2,127.0.0.3,...\n",
               o.users, std::max<std::size_t>(sources.size(), 1), ports);
  }

  net::io_context io;
  std::vector<std::string> user_tokens;
  if (!o.user_tokens.empty()) {
    std::ifstream file{o.user_tokens};
    for (std::string tenant, user, token; file >> tenant >> user >> token;) {
      user_tokens.push_back(token);
    }
    // One token per user: sharing would make the servers' per-user work look cheaper than it is.
    if (user_tokens.size() < static_cast<std::size_t>(o.first_user + o.users)) {
      throw Failed(fmt::format("--user-tokens {}: {} token(s) for users up to {}", o.user_tokens,
                               user_tokens.size(), o.first_user + o.users));
    }
  }
  PollBench bench{endpoints, tenants, std::move(user_tokens), o};
  bench.set_ports(ports, std::max<std::size_t>(sources.size(), 1));
  std::vector<std::shared_ptr<PollUser>> users;
  users.reserve(static_cast<std::size_t>(o.users));
  for (int i = 0; i < o.users; ++i) {
    const auto index = static_cast<std::size_t>(o.first_user + i);
    users.push_back(std::make_shared<PollUser>(
        io, bench, index,
        sources.empty() ? std::nullopt : std::optional{sources[index % sources.size()]}));
  }

  // The plan: the baseline users connect at the ramp's pace, settle, are measured; the others
  // join at the same pace, settle, and all are measured.
  const double per_second = o.ramp_seconds > 0 ? o.users / o.ramp_seconds : 0;
  const auto ramp_time = [&](int n) {
    return per_second > 0 ? std::chrono::duration_cast<Clock::duration>(
                                std::chrono::duration<double>(n / per_second))
                          : Clock::duration{};
  };
  const bool with_baseline =
      o.baseline_users > 0 && o.baseline_users < o.users && o.baseline_seconds > 0;
  const auto epoch =
      o.start_at_ms == 0
          ? Clock::now() + 100ms
          : Clock::now() +
                (std::chrono::system_clock::time_point{std::chrono::milliseconds{o.start_at_ms}} -
                 std::chrono::system_clock::now());
  bench.set_epoch(epoch);
  std::vector<PollPhase> phases;
  auto ramp_start = epoch;
  int opened = 0;
  const auto add = [&](const char* name, int users, int seconds) {
    const auto ramp_end = ramp_start + ramp_time(users - opened);
    PollPhase p{.name = name, .users = users, .seconds = seconds};
    p.from = ramp_end + kSettle;
    p.to = p.from + std::chrono::seconds{seconds};
    phases.push_back(p);
    ramp_start = p.to;
    opened = users;
  };
  if (with_baseline) add("baseline", o.baseline_users, o.baseline_seconds);
  add("target", o.users, o.seconds);
  bench.plan(phases);
  // Connect times, in the same order.
  {
    auto start = epoch;
    int from = 0;
    for (const auto& p : phases) {
      for (int i = from; i < p.users; ++i) {
        users[static_cast<std::size_t>(i)]->start(start + ramp_time(i - from));
      }
      from = p.users;
      start = p.to;
    }
  }

  std::vector<std::thread> threads;
  for (int i = 0; i < o.threads; ++i) threads.emplace_back([&io] { io.run(); });
  for (std::size_t i = 0; i < phases.size(); ++i) {
    const auto& p = phases[i];
    std::this_thread::sleep_until(p.from);
    fmt::print("phase {}: {} users, {} connections open; measuring {} s\n", p.name, p.users,
               bench.open(), p.seconds);
    std::this_thread::sleep_until(p.to);
    const auto open = bench.open();
    bench.with_phases([&](auto& all, auto&) { all[i].open_at_end = open; });
    fmt::print("phase {}: done, {} connections open\n", p.name, open);
  }
  // Drain: every user past its last poll, or --drain-seconds.
  const auto deadline = Clock::now() + std::chrono::seconds{o.drain_seconds};
  while (bench.users_done() < users.size() && Clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  io.stop();  // polls still in flight are abandoned
  for (auto& t : threads) t.join();
  bench.with_phases([&](auto& all, auto& outside) {
    for (auto& p : all) p.unanswered = p.sent - p.finished;
    report(all, outside, o, tenants.size(), sources.size());
    if (!o.samples.empty()) {
      write_samples(o.samples, {all, outside, o, tenants.size(), sources.size()});
    }
    return 0;
  });
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode;
  std::vector<std::string> files;
  SeedOptions s;
  RunOptions r;
  PollOptions pl;
  po::options_description options{"Options"};
  options.add_options()("help,h", "show this help")("mode", po::value(&mode),
                                                    "seed, users, run, poll or merge")(
      "address", po::value(&s.address),
      "the server, HOST:PORT; poll: several, HOST:PORT,HOST:PORT,... (users round robin)")(
      "files", po::value(&files), "merge: the samples files of one run's poll processes")(
      "marketplace-token", po::value(&s.marketplace_token), "seed: a marketplace service token")(
      "admin-token", po::value(&s.admin_token),
      "seed: an admin service token (optional: shows the delivery errors logged)")(
      "provider-url", po::value(&s.provider_url),
      "seed: the fake provider's endpoints, http://HOST:PORT")(
      "provider-control", po::value(&s.provider_control),
      "seed: the fake provider's control port, http://HOST:PORT (client tokens are added there)")(
      "tenants", po::value(&s.tenants)->default_value(2), "seed: sandbox tenants bench-t0..N-1")(
      "out", po::value(&s.out),
      "seed: the tokens file to write (messaging-bench-tokens.txt); users: the user tokens file "
      "(messaging-bench-users.txt)")(
      "tokens", po::value(&r.tokens)->default_value("messaging-bench-tokens.txt"),
      "run, poll: the tokens file seed wrote")("rate", po::value(&r.rate)->default_value(10'000),
                                               "run: target messages per second")(
      "seconds", po::value(&r.seconds)->default_value(60), "run, poll: target phase length")(
      "baseline-rate", po::value(&r.baseline_rate)->default_value(kFloorNow),
      "run: baseline messages per second (the seed's floor)")(
      "baseline-seconds", po::value(&r.baseline_seconds)->default_value(10),
      "run, poll: baseline length (0: no baseline; poll: 20 unless given)")(
      "connections", po::value(&r.connections)->default_value(256),
      "run: keep-alive connections; users: concurrent requests (4 unless given)")(
      "threads", po::value(&r.threads)->default_value(2), "run, poll: client I/O threads")(
      "chats", po::value(&r.chats)->default_value(100), "run: chats per tenant")(
      "probe-chats", po::value(&r.probe_chats)->default_value(10),
      "run: chats per tenant that carry the sampled messages")(
      "bulk", po::value(&r.bulk)->default_value(0),
      "run: send the messages as POST /public/v1/bulk requests of this many items")(
      "sample-every", po::value(&r.sample_every)->default_value(100),
      "run: 1 message in N is sampled for projection visibility")(
      "pollers", po::value(&r.pollers)->default_value(2), "run: CRM connections polling samples")(
      "poll-interval-ms", po::value(&r.poll_interval_ms)->default_value(20),
      "run: least time between two reads of one probe chat")(
      "drain-seconds", po::value(&r.drain_seconds)->default_value(30),
      "run: how long to wait for answers, then for visibility, after a phase; poll: for the "
      "polls in flight at the end")("users", po::value(&pl.users)->default_value(kPollGoalUsers),
                                    "poll: CRM users, one keep-alive connection each")(
      "interval-ms", po::value(&pl.interval_ms)->default_value(kPollGoalIntervalMs),
      "poll: each user's time between two polls")(
      "ramp-seconds", po::value(&pl.ramp_seconds)->default_value(20),
      "poll: connections open at --users / this per second")(
      "baseline-users", po::value(&pl.baseline_users)->default_value(1000),
      "poll: users of the baseline phase (0: no baseline)")(
      "source-addresses", po::value(&pl.source_addresses),
      "poll: local addresses to bind connections to, round robin, e.g. 127.0.0.2,127.0.0.3 "
      "(each has its own ephemeral ports)")(
      "first-user", po::value(&pl.first_user)->default_value(0),
      "poll: index of this process's first user among all processes' users")(
      "start-at-ms", po::value(&pl.start_at_ms)->default_value(0),
      "poll: the run's epoch (Unix time in ms) shared by its processes; 0: now")(
      "samples", po::value(&pl.samples),
      "poll: write the figures and every latency to this file, for merge")(
      "user-tokens", po::value(&pl.user_tokens),
      "poll: the users mode's file, one CRM user token per user (else each tenant's one token)");
  po::positional_options_description positional;
  positional.add("mode", 1);
  positional.add("files", -1);
  po::variables_map args;
  try {
    po::store(po::command_line_parser(argc, argv).options(options).positional(positional).run(),
              args);
    po::notify(args);
  } catch (const po::error& e) {
    std::cerr << e.what() << '\n' << options;
    return 2;
  }
  if (args.contains("help")) {
    std::cout << "Usage: switchboard-bench-messaging seed|users|run|poll [options]\n"
                 "       switchboard-bench-messaging merge SAMPLES...\n"
              << options;
    return 0;
  }
  r.address = s.address;
  try {
    if (mode == "seed" && !s.address.empty() && !s.marketplace_token.empty() &&
        !s.provider_url.empty() && s.tenants > 0) {
      if (s.out.empty()) s.out = "messaging-bench-tokens.txt";
      return seed(s);
    }
    if (mode == "users" && !s.address.empty() && !s.marketplace_token.empty() && pl.users > 0 &&
        r.connections > 0) {
      return users({.address = s.address,
                    .marketplace_token = s.marketplace_token,
                    .tokens = r.tokens,
                    .out = s.out.empty() ? "messaging-bench-users.txt" : s.out,
                    .users = pl.users,
                    .connections = args["connections"].defaulted() ? 4 : r.connections});
    }
    if (mode == "run" && !r.address.empty() && r.rate > 0 && r.seconds > 0 && r.connections > 0 &&
        r.threads > 0 && r.chats > 0 && r.probe_chats > 0 && r.sample_every > 0 && r.pollers >= 0 &&
        r.bulk >= 0) {
      return run(r);
    }
    if (mode == "poll") {
      pl.address = s.address;
      pl.tokens = r.tokens;
      pl.seconds = r.seconds;
      pl.threads = r.threads;
      pl.baseline_seconds = args["baseline-seconds"].defaulted() ? 20 : r.baseline_seconds;
      pl.drain_seconds = r.drain_seconds;
      if (!pl.address.empty() && pl.users > 0 && pl.interval_ms > 0 && pl.seconds > 0 &&
          pl.threads > 0 && pl.ramp_seconds >= 0 && pl.baseline_users >= 0 &&
          pl.baseline_seconds >= 0 && pl.first_user >= 0 && pl.start_at_ms >= 0) {
        return poll(pl);
      }
    }
    if (mode == "merge") return merge(files);
  } catch (const std::exception& e) {
    std::cerr << "switchboard-bench-messaging: " << e.what() << '\n';
    return 1;
  }
  std::cerr << "Usage: switchboard-bench-messaging seed|users|run|poll [options]\n" << options;
  return 2;
}
