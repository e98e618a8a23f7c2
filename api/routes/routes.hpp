#pragma once

#include "api/auth/authenticator.hpp"
#include "api/cache/read_model_watch.hpp"
#include "api/crypto/sealed_box.hpp"
#include "api/cti/cti_service.hpp"
#include "api/http/metrics.hpp"
#include "api/http/router.hpp"
#include "api/routes/operations/operations.hpp"
#include "commands/access/access_commands.hpp"
#include "commands/messaging/messaging_commands.hpp"
#include "commands/provider_platform/platform_commands.hpp"
#include "eventstore/connection_pool.hpp"

namespace switchboard::api::routes {

// What the route handlers need, built by main (the composition root). The event store, command
// handlers and projections join here as the features land.
struct Services {
  http::Metrics& metrics;
  operations::ReadinessChecks readiness;
  const auth::Authenticator& auth;
  commands::provider_platform::PlatformCommands& platform;
  // Developer tokens: the marketplace issues them, developers rotate them.
  commands::access::AccessCommands& access;
  // Projection tables, for query routes.
  eventstore::ConnectionPool& read_models;
  // When answers kept in memory are outdated.
  const cache::ReadModelWatch& watch;
  // Messaging (seeds 000, 001): the provider's public API and the CRM API.
  commands::messaging::MessagingCommands& messaging;
  const crypto::Key& secret_key;
  // Receives the public API's error answers (api/errors/error_log.hpp); empty when only listing
  // routes.
  http::ErrorObserver public_api_errors;
  // The CTI middleware (seed 004); null when only listing routes.
  api::cti::CtiService* cti = nullptr;
};

// Binds every path of the API to its handler. `services` must outlive the router.
void register_routes(http::Router& router, Services& services);

}  // namespace switchboard::api::routes
