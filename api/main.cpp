// The switchboard server: the composition root.
//
//   switchboard --config FILE     serve until SIGINT or SIGTERM
//   switchboard --print-routes    print "METHOD route" for every route and exit
//
// Exit codes: 0 after a clean stop, 1 when serving fails, 2 for a bad command line or
// configuration (the reason goes to stderr).

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <cctype>
#include <csignal>
#include <iostream>
#include <iterator>
#include <thread>

#include "api/config/config.hpp"
#include "api/crypto/sealed_box.hpp"
#include "api/cti/cti_service.hpp"
#include "api/errors/error_log.hpp"
#include "api/http/server.hpp"
#include "api/routes/routes.hpp"
#include "api/wiring/delivery_outcomes.hpp"
#include "api/wiring/delivery_service.hpp"
#include "api/wiring/login_metrics.hpp"
#include "api/wiring/readiness.hpp"
#include "api/wiring/runtime.hpp"
#include "api/wiring/store_metrics.hpp"
#include "eventstore/connection_string.hpp"
#include "projections/registry.hpp"
#include "projections/runner.hpp"

namespace {

namespace po = boost::program_options;
using namespace switchboard;
using namespace switchboard::api;

int print_routes() {
  http::Metrics metrics;
  wiring::Runtime runtime{""};
  const crypto::Key no_key{};
  routes::Services services{.metrics = metrics,
                            .readiness = {},
                            .auth = runtime.auth,
                            .platform = runtime.platform,
                            .access = runtime.access,
                            .read_models = runtime.read_models,
                            .watch = runtime.watch,
                            .messaging = runtime.messaging,
                            .secret_key = no_key,
                            .public_api_errors = {}};
  http::Router router;
  routes::register_routes(router, services);
  for (const auto& route : router.routes()) {
    std::cout << http::to_string(route.method) << ' ' << route.route << '\n';
  }
  return 0;
}

delivery::DeliverySettings delivery_settings(const config::Config& config,
                                             const crypto::Key& secret_key) {
  const auto& m = config.messaging;
  delivery::DeliverySettings settings;
  settings.policy = {.retry_delay = m.retry_delay,
                     .max_attempts = m.max_attempts,
                     .unavailable_retry = m.unavailable_retry,
                     .expiry = m.expiry};
  settings.request_timeout = m.request_timeout;
  settings.ack_wait = m.crash_takeover;
  settings.concurrency = m.delivery_concurrency;
  settings.provider_concurrency = m.provider_concurrency;
  settings.max_held = m.max_held;
  settings.max_defer_delay = m.max_defer;
  settings.database_url = config.database_url;
  settings.secret_key = secret_key;
  settings.public_base_url = m.public_base_url;
  settings.tls = m.provider_tls;
  // Stream names take no dots: "switchboard" gives SWITCHBOARD_DELIVERY, switchboard.delivery.
  settings.stream = config.nats_prefix + "_DELIVERY";
  std::ranges::transform(settings.stream, settings.stream.begin(),
                         [](unsigned char c) { return c == '-' ? '_' : std::toupper(c); });
  settings.subject = config.nats_prefix + ".delivery";
  return settings;
}

int serve(const config::Config& config) {
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  const auto secret_key = crypto::key_from_hex(config.messaging.secret_key);
  if (!secret_key) {
    std::cerr << "switchboard: messaging.secret_key: must be 64 hex characters\n";
    return 2;
  }
  // Signals are taken synchronously by one thread, so stopping is ordinary code, not a handler.
  // Blocked before any thread starts: every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  http::Metrics metrics;
  // Connections are opened on first use: the server starts (and reports not ready) while the
  // database is still coming up.
  wiring::Runtime runtime{config.database_url};
  projections::ProjectionRunner projections{
      runtime.store, projections::all_projections(), {.database_url = config.database_url}};
  projections.start();
  runtime.watch.start();

  errors::ErrorLog error_log{runtime.read_models, config.messaging.error_retention_days};
  error_log.start();
  if (config.messaging.public_base_url.empty()) {
    spdlog::warn(
        "messaging.public_base_url is not set: providers' set_webhook endpoints are not called, "
        "since Switchboard cannot tell them where to push");
  }
  wiring::DeliveryOutcomes outcomes{runtime.auth, runtime.messaging, runtime.platform};
  wiring::DeliveryService delivery{runtime.store, outcomes, delivery_settings(config, *secret_key),
                                   config.nats_url};
  delivery.start();
  delivery.add_metrics(metrics);
  wiring::add_store_metrics(metrics, runtime.store, [&projections, &delivery] {
    auto status = projections.status();
    std::ranges::move(delivery.reactor_status(), std::back_inserter(status));
    return status;
  });

  routes::Services services{.metrics = metrics,
                            .readiness = {{"database", wiring::postgres_check(config.database_url)},
                                          {"nats", wiring::nats_check(config.nats_url)}},
                            .auth = runtime.auth,
                            .platform = runtime.platform,
                            .access = runtime.access,
                            .read_models = runtime.read_models,
                            .watch = runtime.watch,
                            .messaging = runtime.messaging,
                            .secret_key = *secret_key,
                            .public_api_errors = error_log.observer()};
  // The long-poll wait stays below the request timeout, so a held request ends with 204, not a
  // timeout; so does a login's wait for a worker, which its hash and attach follow.
  const auto below_timeout = std::max(config.server.request_timeout - std::chrono::seconds{5},
                                      std::chrono::milliseconds{0});
  api::cti::CtiService cti{
      runtime.store,
      {.database_url = config.database_url,
       .nats_url = config.nats_url,
       .nats_prefix = config.nats_prefix,
       .connector = {.url = config.cti_url},
       .max_wait = std::min(below_timeout, std::chrono::milliseconds{25'000}),
       .secure_cookie = config.server.tls.enabled(),
       .logins = {.workers = config.cti_logins.workers,
                  .max_wait = std::min(below_timeout, config.cti_logins.max_wait)}}};
  cti.start();
  wiring::add_login_metrics(metrics, cti.logins());
  services.cti = &cti;
  http::Router router;
  routes::register_routes(router, services);
  http::Server server{config.server, router, metrics};

  std::jthread signal_waiter{[&signals, &server, &cti] {
    int received = 0;
    sigwait(&signals, &received);
    spdlog::info("signal {} received, stopping", received);
    // Held long-polls are answered while the server can still send the answers: after it
    // stopped they would go nowhere.
    cti.stop();
    server.stop();
  }};

  int status = 0;
  try {
    server.run();
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    status = 1;
  }
  // Wakes the waiter when run() ended on its own (a start-up failure).
  pthread_kill(signal_waiter.native_handle(), SIGTERM);
  signal_waiter.join();
  // Before the router and the server go, and before the error log stops: CTI work still queued
  // runs the rest of its requests' routes and reports their errors.
  cti.finish();
  delivery.stop();
  error_log.stop();
  runtime.watch.stop();
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description options{"Options"};
  options.add_options()("help,h", "show this help")("config,c", po::value<std::string>(),
                                                    "configuration file (INI)")(
      "print-routes", "print \"METHOD route\" for every route and exit");
  po::variables_map args;
  try {
    po::store(po::parse_command_line(argc, argv, options), args);
  } catch (const po::error& e) {
    std::cerr << "switchboard: " << e.what() << "\n" << options;
    return 2;
  }
  if (args.contains("help")) {
    std::cout << "Usage: switchboard --config FILE\n" << options;
    return 0;
  }
  if (args.contains("print-routes")) {
    try {
      return print_routes();
    } catch (const std::exception& e) {
      std::cerr << "switchboard: " << e.what() << '\n';
      return 1;
    }
  }
  if (!args.contains("config")) {
    std::cerr << "switchboard: --config FILE is required\n" << options;
    return 2;
  }

  auto loaded = config::load(args["config"].as<std::string>());
  if (const auto* error = std::get_if<config::ConfigError>(&loaded)) {
    std::cerr << "switchboard: " << error->message << '\n';
    return 2;
  }
  try {
    auto& config = std::get<config::Config>(loaded);
    // Every connection the server opens gives up on a vanished peer, so a dead node's locks go
    // within database.crash_takeover_ms.
    config.database_url = eventstore::with_dead_peer_timeouts_from_environment(
        config.database_url, config.database_crash_takeover);
    return serve(config);
  } catch (const std::exception& e) {
    // Wiring failures: a route registered twice, a broken schema in api/schemas.
    std::cerr << "switchboard: " << e.what() << '\n';
    return 1;
  }
}
