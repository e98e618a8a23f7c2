#pragma once

// The CTI middleware's HTTP API (seed 004): POST /api/v1/login, POST /api/v1/logout,
// GET /api/v1/events, POST /api/v1/control. One handler per file in this folder.

#include "api/cti/cti_service.hpp"
#include "api/http/router.hpp"

namespace switchboard::api::routes::cti {

// `service` may be null (switchboard --print-routes): the routes are then listed, and answer 503.
void register_cti_routes(http::Router& router, api::cti::CtiService* service);

http::AsyncHandler login(api::cti::CtiService* service);
http::HandlerFor<commands::cti::AuthenticatedAgent> logout(api::cti::CtiService* service);
http::AsyncHandlerFor<commands::cti::AuthenticatedAgent> events(api::cti::CtiService* service);
http::AsyncHandlerFor<commands::cti::AuthenticatedAgent> control(api::cti::CtiService* service);

}  // namespace switchboard::api::routes::cti
