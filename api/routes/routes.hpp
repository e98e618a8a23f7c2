#pragma once

#include "api/http/metrics.hpp"
#include "api/http/router.hpp"
#include "api/routes/operations/operations.hpp"

namespace switchboard::api::routes {

// What the route handlers need, built by main (the composition root). The event store, command
// handlers and projections join here as the features land.
struct Services {
  http::Metrics& metrics;
  operations::ReadinessChecks readiness;
};

// Binds every path of the API to its handler. `services` must outlive the router.
void register_routes(http::Router& router, Services& services);

}  // namespace switchboard::api::routes
