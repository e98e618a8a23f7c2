#include "api/http/server.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <pqxx/except>
#include <restinio/all.hpp>
#include <restinio/tls.hpp>
#include <set>
#include <stdexcept>
#include <thread>
#include <variant>

#include "api/http/encoding.hpp"
#include "api/http/json_schema.hpp"

namespace switchboard::api::http {
namespace {

constexpr std::size_t gzip_threshold_bytes = 512;
constexpr const char* requests_total = "switchboard_http_requests_total";
constexpr const char* request_duration = "switchboard_http_request_duration_seconds";

// RESTinio's own diagnostics (accept errors, TLS handshake failures, timeouts) go to spdlog. Its
// "error" level is mostly what clients cause (a refused certificate, plain HTTP on a TLS port), so
// it becomes a warning: anyone on the network must not be able to fill the error log.
class SpdlogLogger {
 public:
  template <typename Builder>
  void trace(Builder&& message) const {
    log(spdlog::level::trace, std::forward<Builder>(message));
  }
  template <typename Builder>
  void info(Builder&& message) const {
    log(spdlog::level::debug, std::forward<Builder>(message));
  }
  template <typename Builder>
  void warn(Builder&& message) const {
    log(spdlog::level::warn, std::forward<Builder>(message));
  }
  template <typename Builder>
  void error(Builder&& message) const {
    log(spdlog::level::warn, std::forward<Builder>(message));
  }

 private:
  template <typename Builder>
  static void log(spdlog::level::level_enum level, Builder&& message) {
    if (spdlog::should_log(level)) spdlog::log(level, "restinio: {}", message());
  }
};

using ExpressRouter = restinio::router::express_router_t<>;
using PlainTraits = restinio::traits_t<restinio::asio_timer_manager_t, SpdlogLogger, ExpressRouter>;
using TlsTraits =
    restinio::tls_traits_t<restinio::asio_timer_manager_t, SpdlogLogger, ExpressRouter>;

restinio::http_method_id_t restinio_method(Method method) {
  switch (method) {
    case Method::get:
      return restinio::http_method_get();
    case Method::post:
      return restinio::http_method_post();
    case Method::put:
      return restinio::http_method_put();
    case Method::patch:
      return restinio::http_method_patch();
    case Method::del:
      return restinio::http_method_delete();
  }
  return restinio::http_method_get();
}

// What an exchange needs of the server for as long as it lives, which may be longer than the
// server: a CTI command or login still running when the server stops holds its request, whose
// connection's socket belongs to the server's I/O context. The context goes with the last holder;
// a response written after the server stopped goes nowhere.
struct Lifeline {
  restinio::asio_ns::io_context io;
  std::atomic<long> live_exchanges{0};
};

// Counts the exchanges alive, so the server can wait for them before it stops its I/O context,
// and keeps that context while the exchange holds its connection.
class LiveCount {
 public:
  explicit LiveCount(std::shared_ptr<Lifeline> lifeline) : lifeline_{std::move(lifeline)} {
    lifeline_->live_exchanges.fetch_add(1);
  }
  LiveCount(const LiveCount&) = delete;
  LiveCount& operator=(const LiveCount&) = delete;
  ~LiveCount() { lifeline_->live_exchanges.fetch_sub(1); }

 private:
  std::shared_ptr<Lifeline> lifeline_;
};

// One request/response exchange. Shared by every copy of the Responder, so the response goes out
// exactly once: from the first call, or with a 500 when the last copy is dropped uncalled.
class Exchange {
 public:
  Exchange(restinio::request_handle_t request, std::string route, std::string method,
           std::string request_id, Metrics& metrics, std::shared_ptr<Lifeline> lifeline)
      : live_{std::move(lifeline)},
        request_{std::move(request)},
        route_{std::move(route)},
        method_{std::move(method)},
        request_id_{std::move(request_id)},
        metrics_{metrics},
        started_{std::chrono::steady_clock::now()} {
    const auto& header = request_->header();
    gzip_ok_ = header.has_field(restinio::http_field::accept_encoding) &&
               accepts_gzip(header.get_field(restinio::http_field::accept_encoding));
  }

  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  ~Exchange() {
    if (!sent_.load()) {
      spdlog::error("request {} {} ({}): handler never responded", method_, route_, request_id_);
      send(
          problem(500, "internal error", "the request was dropped; see request id " + request_id_));
    }
  }

  const std::string& request_id() const { return request_id_; }
  const restinio::request_handle_t& request() const { return request_; }

  void send(Response response) noexcept {
    if (sent_.exchange(true)) return;
    try {
      write(std::move(response));
    } catch (const std::exception& e) {
      spdlog::error("request {}: cannot write the response: {}", request_id_, e.what());
    }
  }

 private:
  void write(Response response) {
    auto builder = request_->create_response(restinio::http_status_line_t{
        restinio::http_status_code_t{static_cast<std::uint16_t>(response.status)},
        std::string{reason_phrase(response.status)}});
    builder.append_header("X-Request-Id", request_id_);
    if (!response.body.empty()) {
      builder.append_header(restinio::http_field::content_type, response.content_type);
    }
    const bool compressible = response.body.size() > gzip_threshold_bytes;
    if (compressible) {
      // One Vary listing every header the answer depends on (a route may name its own).
      auto vary = std::find_if(response.headers.begin(), response.headers.end(),
                               [](const auto& header) { return iequals(header.first, "Vary"); });
      if (vary == response.headers.end()) {
        response.headers.emplace_back("Vary", "Accept-Encoding");
      } else {
        vary->second += ", Accept-Encoding";
      }
    }
    for (auto& [name, value] : response.headers) builder.append_header(name, std::move(value));
    if (compressible) {
      if (gzip_ok_) {
        builder.append_header(restinio::http_field::content_encoding, "gzip");
        response.body = gzip(response.body);
      }
    }
    builder.set_body(std::move(response.body));
    builder.done();

    const auto seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    metrics_.increment(
        requests_total,
        {{"route", route_}, {"method", method_}, {"status", std::to_string(response.status)}});
    metrics_.observe(request_duration, {{"route", route_}}, seconds);
    spdlog::debug("{} {} -> {} in {:.1f} ms (request id {})", method_,
                  std::string{request_->header().path()}, response.status, seconds * 1000,
                  request_id_);
  }

  LiveCount live_;  // first: released after the request (and its connection)
  restinio::request_handle_t request_;
  std::string route_;
  std::string method_;
  std::string request_id_;
  Metrics& metrics_;
  std::chrono::steady_clock::time_point started_;
  bool gzip_ok_ = false;
  std::atomic<bool> sent_{false};
};

std::string client_request_id(const restinio::http_request_header_t& header) {
  return request_id_for(header.has_field("X-Request-Id")
                            ? std::optional<std::string_view>{header.get_field("X-Request-Id")}
                            : std::nullopt);
}

std::vector<std::pair<std::string, std::string>> copy_headers(
    const restinio::http_request_header_t& header) {
  std::vector<std::pair<std::string, std::string>> out;
  header.for_each_field([&out](const restinio::http_header_field_t& field) {
    out.emplace_back(field.name(), field.value());
  });
  return out;
}

Response too_large(std::size_t limit) {
  return problem(413, "request body too large",
                 fmt::format("the body must not exceed {} bytes", limit));
}

// The request body as the handler should see it, or the problem to answer instead. The raw size
// was checked already.
std::variant<std::string, Response> decode_body(const restinio::request_handle_t& req,
                                                std::size_t limit) {
  const std::string& raw = req->body();
  const auto& header = req->header();
  if (!header.has_field(restinio::http_field::content_encoding)) return raw;
  const auto encoding = header.get_field(restinio::http_field::content_encoding);
  if (iequals(encoding, "identity")) return raw;
  if (!iequals(encoding, "gzip") && !iequals(encoding, "x-gzip")) {
    return problem(415, "unsupported content encoding",
                   fmt::format("Content-Encoding '{}' is not supported; use gzip", encoding),
                   {{"Content-Encoding", "must be gzip or identity"}});
  }
  auto inflated = gunzip(raw, limit);
  switch (inflated.status) {
    case Inflated::Status::ok:
      return std::move(inflated.data);
    case Inflated::Status::too_large:
      return too_large(limit);
    case Inflated::Status::corrupt:
      break;
  }
  return problem(400, "malformed gzip body", "the body is not a valid gzip stream",
                 {{"Content-Encoding", "the body does not match the declared gzip encoding"}});
}

}  // namespace

bool is_loopback(std::string_view address) {
  const std::string text{address};
  if (text == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  return inet_pton(AF_INET6, text.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

std::optional<std::string> check_settings(const ServerSettings& settings) {
  if (!settings.tls.enabled() && !is_loopback(settings.address)) {
    return fmt::format(
        "http.address {}: refusing plain HTTP on a non-loopback address; without TLS the server "
        "only listens on loopback (127.0.0.0/8 or ::1). Set tls.cert_file and tls.key_file to "
        "serve this address",
        settings.address);
  }
  if (settings.tls.enabled() && settings.tls.key_file.empty()) {
    return "TLS needs both a certificate and a private key (tls.key_file is missing)";
  }
  if (!settings.tls.enabled() && !settings.tls.client_ca_file.empty()) {
    return "a client CA (tls.client_ca_file) needs TLS: set tls.cert_file and tls.key_file";
  }
  if (settings.threads == 0) return "the server needs at least one thread";
  return std::nullopt;
}

struct Server::Impl {
  Impl(ServerSettings s, const Router& r, Metrics& m)
      : settings{std::move(s)}, router{r}, metrics{m} {}

  ServerSettings settings;
  const Router& router;
  Metrics& metrics;

  std::mutex mutex;
  std::condition_variable stopped_cv;
  bool stop_requested = false;
  const std::shared_ptr<Lifeline> lifeline = std::make_shared<Lifeline>();

  void handle(const RouteEntry& entry, const restinio::request_handle_t& req,
              const restinio::router::route_params_t& params) const {
    auto exchange =
        std::make_shared<Exchange>(req, entry.route, std::string{to_string(entry.method)},
                                   client_request_id(req->header()), metrics, lifeline);
    Responder respond = [exchange](Response response) { exchange->send(std::move(response)); };
    if (entry.options.on_error) {
      const auto authorization =
          req->header().get_field_or(restinio::http_field::authorization, "");
      // Copies, not the route entry: a responder may be called after the router is gone.
      respond = [exchange, on_error = entry.options.on_error,
                 method = std::string{to_string(entry.method)}, route = entry.route,
                 authorization](Response response) {
        if (response.status >= 400) {
          on_error({method, route, exchange->request_id(), authorization, response.status,
                    response.body});
        }
        exchange->send(std::move(response));
      };
    }

    guarded(entry, exchange->request_id(), respond, [&] {
      auto request = request_head(entry, req, params, exchange->request_id());
      if (auto* refusal = std::get_if<Response>(&request)) return respond(std::move(*refusal));
      // The request is reached through the exchange only: a copy of it here could outlive the
      // exchange, and with it the I/O context its connection needs.
      auto rest = [this, &entry, exchange, request = std::get<Request>(std::move(request)),
                   respond]() mutable {
        guarded(entry, exchange->request_id(), respond, [&] {
          auto admitted = entry.gate.admit(request);
          if (auto* refusal = std::get_if<Response>(&admitted)) return respond(std::move(*refusal));
          if (auto refusal = read_rest(entry, exchange->request(), request)) {
            return respond(std::move(*refusal));
          }
          std::get<AsyncHandler>(admitted)(std::move(request), respond);
        });
      };
      if (entry.gate.run_on) return entry.gate.run_on(std::move(rest));
      rest();
    });
  }

  // Runs `step`, answering 500 when it throws; 503 when PostgreSQL cannot be reached: an outage
  // passes, so clients should retry rather than report a bug.
  template <typename Step>
  static void guarded(const RouteEntry& entry, const std::string& request_id,
                      const Responder& respond, Step&& step) {
    try {
      step();
    } catch (const pqxx::broken_connection& e) {
      spdlog::warn("{} {} (request id {}): database unreachable: {}", to_string(entry.method),
                   entry.route, request_id, e.what());
      respond(
          database_unavailable("the database cannot be reached; retry; request id " + request_id));
    } catch (const std::exception& e) {
      spdlog::error("{} {} (request id {}) failed: {}", to_string(entry.method), entry.route,
                    request_id, e.what());
      respond(problem(500, "internal error",
                      "an unexpected error occurred; see request id " + request_id));
    } catch (...) {
      spdlog::error("{} {} (request id {}) failed with a non-standard exception",
                    to_string(entry.method), entry.route, request_id);
      respond(problem(500, "internal error",
                      "an unexpected error occurred; see request id " + request_id));
    }
  }

  std::size_t body_limit(const RouteEntry& entry) const {
    return std::min(entry.options.max_body_bytes, settings.max_body_bytes);
  }

  // What the caller's credentials may be checked with: headers and path. A body over the limit
  // is refused first (413): it is never looked at, so refusing it tells nothing about the route,
  // and a credential check is not worth making for a request that cannot be served anyway.
  std::variant<Request, Response> request_head(const RouteEntry& entry,
                                               const restinio::request_handle_t& req,
                                               const restinio::router::route_params_t& params,
                                               const std::string& request_id) const {
    if (req->body().size() > body_limit(entry)) return too_large(body_limit(entry));
    const auto& header = req->header();
    Request request;
    request.method = entry.method;
    request.path = std::string{header.path()};
    request.route = entry.route;
    request.request_id = request_id;
    request.remote_address = req->remote_endpoint().address().to_string();
    request.remote_port = req->remote_endpoint().port();
    request.local_port = settings.port;
    // RESTinio closes the connection at the request timeout, counted from about now.
    request.deadline = std::chrono::steady_clock::now() + settings.request_timeout;
    request.headers = copy_headers(header);

    for (const auto& name : entry.param_names) {
      if (!params.has(name)) continue;
      auto value = percent_decode(params[name]);
      if (!value) {
        return problem(400, "malformed path", "bad percent-encoding in the path",
                       {{name, "bad percent-encoding"}});
      }
      request.params.emplace(name, std::move(*value));
    }
    return request;
  }

  // The query and the body, for an admitted caller; the refusal when they are malformed.
  std::optional<Response> read_rest(const RouteEntry& entry, const restinio::request_handle_t& req,
                                    Request& request) const {
    auto query = restinio::try_parse_query<restinio::parse_query_traits::javascript_compatible>(
        req->header().query());
    if (!query) {
      return problem(400, "malformed query string", query.error().description());
    }
    for (const auto& [name, value] : *query) request.query.emplace(name, value);
    if (const auto tag = query->tag()) request.query.emplace(*tag, "");

    auto body = decode_body(req, body_limit(entry));
    if (auto* refusal = std::get_if<Response>(&body)) return std::move(*refusal);
    request.body = std::move(std::get<std::string>(body));

    if (!entry.options.body_schema.empty()) {
      if (auto refusal = check_json_content_type(request.header("Content-Type"))) return refusal;
      if (auto refusal = validate_body(entry.options.body_schema, request.body)) return refusal;
    }
    return std::nullopt;
  }

  // "/public/v1/" of "/public/v1/chats/:chat_id": what an unmatched path shares with a route
  // for the route's error observer to hear of it.
  static std::string_view api_prefix(std::string_view path) {
    std::size_t end = 0;
    for (int segment = 0; segment < 2 && end != std::string_view::npos; ++segment) {
      end = path.find('/', end + 1);
    }
    return end == std::string_view::npos ? std::string_view{} : path.substr(0, end + 1);
  }

  // Answers what no route took: 405 with Allow when the path exists under other methods,
  // otherwise 404. Each template gets a router of its own, so every match counts toward Allow.
  ExpressRouter::non_matched_handler_t unmatched_handler() const {
    struct PathMatcher {
      std::shared_ptr<ExpressRouter> matcher;
      std::set<std::string> methods;
    };
    std::map<std::string, PathMatcher> by_route;
    for (const auto& entry : router.routes()) {
      auto& m = by_route[entry.route];
      if (!m.matcher) {
        m.matcher = std::make_shared<ExpressRouter>();
        m.matcher->add_handler(
            restinio::router::dynamic_none_of_methods_matcher_t{}, entry.route,
            [](const auto&, const auto&) { return restinio::request_accepted(); });
      }
      m.methods.emplace(to_string(entry.method));
    }
    std::vector<PathMatcher> matchers;
    for (auto& [route, m] : by_route) matchers.push_back(std::move(m));
    std::map<std::string, ErrorObserver, std::less<>> observers;
    for (const auto& entry : router.routes()) {
      const auto prefix = api_prefix(entry.route);
      if (entry.options.on_error && !prefix.empty()) {
        observers.emplace(std::string{prefix}, entry.options.on_error);
      }
    }

    return [this, matchers = std::move(matchers),
            observers = std::move(observers)](restinio::request_handle_t req) {
      std::set<std::string> allowed;
      for (const auto& m : matchers) {
        if ((*m.matcher)(req) == restinio::request_accepted()) {
          allowed.insert(m.methods.begin(), m.methods.end());
        }
      }
      const std::string method{req->header().method().c_str()};
      Exchange exchange{req,     kUnmatchedRoute, method, client_request_id(req->header()),
                        metrics, lifeline};
      auto response = problem(404, "not found",
                              fmt::format("no route for {}", std::string{req->header().path()}));
      if (!allowed.empty()) {
        std::string allow;
        for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
        response = problem(405, "method not allowed",
                           fmt::format("{} is not allowed here; allowed: {}", method, allow));
        response.headers.emplace_back("Allow", allow);
      }
      if (const auto observer = observers.find(api_prefix(req->header().path()));
          observer != observers.end()) {
        observer->second({method, kUnmatchedRoute, exchange.request_id(),
                          req->header().get_field_or(restinio::http_field::authorization, ""),
                          response.status, response.body});
      }
      exchange.send(std::move(response));
      return restinio::request_accepted();
    };
  }

  std::unique_ptr<ExpressRouter> express_router() const {
    auto express = std::make_unique<ExpressRouter>();
    for (const auto& entry : router.routes()) {
      express->add_handler(restinio_method(entry.method), entry.route,
                           [this, &entry](const restinio::request_handle_t& req,
                                          const restinio::router::route_params_t& params) {
                             handle(entry, req, params);
                             return restinio::request_accepted();
                           });
    }
    express->non_matched_request_handler(unmatched_handler());
    return express;
  }

  template <typename Traits>
  restinio::server_settings_t<Traits> base_settings() const {
    restinio::server_settings_t<Traits> s;
    s.address(settings.address)
        .port(settings.port)
        .request_handler(express_router())
        .read_next_http_message_timelimit(settings.read_timeout)
        .handle_request_timeout(settings.request_timeout)
        .write_http_response_timelimit(settings.request_timeout)
        // Bodies up to twice the limit are read so the client gets a 413 problem; bigger ones
        // make RESTinio drop the connection, which keeps memory bounded. RESTinio 0.6 refuses
        // them in its own header callback (it reserves Content-Length bytes there), before any
        // handler could answer, so the drop is documented rather than turned into a 413.
        .incoming_http_msg_limits(
            restinio::incoming_http_msg_limits_t{}.max_body_size(2 * settings.max_body_bytes));
    return s;
  }

  restinio::asio_ns::ssl::context tls_context() const {
    namespace ssl = restinio::asio_ns::ssl;
    ssl::context context{ssl::context::tls_server};
    context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                        ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                        ssl::context::single_dh_use);
    context.use_certificate_chain_file(settings.tls.cert_file);
    context.use_private_key_file(settings.tls.key_file, ssl::context::pem);
    if (!settings.tls.client_ca_file.empty()) {
      context.load_verify_file(settings.tls.client_ca_file);
      // Tells clients which CA's certificate to present.
      if (auto* names = SSL_load_client_CA_file(settings.tls.client_ca_file.c_str())) {
        SSL_CTX_set_client_CA_list(context.native_handle(), names);
      }
      ssl::verify_mode mode = ssl::verify_peer;
      if (settings.tls.require_client_cert) mode |= ssl::verify_fail_if_no_peer_cert;
      context.set_verify_mode(mode);
    }
    return context;
  }

  template <typename Traits>
  void serve(restinio::server_settings_t<Traits>&& server_settings) {
    auto running = restinio::run_async(
        restinio::io_context_holder_t{
            std::shared_ptr<restinio::asio_ns::io_context>{lifeline, &lifeline->io}},
        std::move(server_settings), settings.threads);
    spdlog::info("listening on {}://{}:{} with {} threads",
                 settings.tls.enabled() ? "https" : "http", settings.address, settings.port,
                 settings.threads);
    {
      std::unique_lock lock{mutex};
      stopped_cv.wait(lock, [this] { return stop_requested; });
    }
    // Requests held elsewhere (long-polls, CTI commands) are answered and released while the
    // I/O context still runs; one that outlives the request timeout is not waited for.
    const auto deadline = std::chrono::steady_clock::now() + settings.request_timeout;
    while (lifeline->live_exchanges.load() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
    running->stop();
    running->wait();
    spdlog::info("server stopped");
  }
};

Server::Server(ServerSettings settings, const Router& router, Metrics& metrics)
    : impl_{std::make_unique<Impl>(std::move(settings), router, metrics)} {
  // Builds every schema now, so a broken one stops start-up instead of failing a request.
  const auto& schemas = builtin_schemas();
  for (const auto& entry : router.routes()) {
    if (!entry.options.body_schema.empty() && !schemas.contains(entry.options.body_schema)) {
      throw std::invalid_argument(
          fmt::format("route {} {} names body schema '{}', which is not "
                      "in api/schemas",
                      to_string(entry.method), entry.route, entry.options.body_schema));
    }
  }
  metrics.describe_counter(requests_total, "HTTP requests answered, by route, method and status.");
  metrics.describe_histogram(request_duration,
                             "Time from a request's arrival to its response, by route.");
}

Server::~Server() = default;

void Server::run() {
  if (auto refusal = check_settings(impl_->settings)) throw std::runtime_error(*refusal);
  try {
    if (impl_->settings.tls.enabled()) {
      auto s = impl_->base_settings<TlsTraits>();
      s.tls_context(impl_->tls_context());
      impl_->serve(std::move(s));
    } else {
      impl_->serve(impl_->base_settings<PlainTraits>());
    }
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("cannot serve on {}:{}: {}", impl_->settings.address,
                                         impl_->settings.port, e.what()));
  }
}

void Server::stop() {
  {
    std::lock_guard lock{impl_->mutex};
    impl_->stop_requested = true;
  }
  impl_->stopped_cv.notify_all();
}

}  // namespace switchboard::api::http
