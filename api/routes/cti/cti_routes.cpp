#include "api/routes/cti/cti_routes.hpp"

#include "api/routes/cti/session_auth.hpp"

namespace switchboard::api::routes::cti {

void register_cti_routes(http::Router& router, api::cti::CtiService* service) {
  using http::Method;
  const auto agent = agent_session(service);
  router.add_async(Method::post, "/api/v1/login", login(service),
                   {.body_schema = "cti_login", .max_body_bytes = 4096});
  router.add(Method::post, "/api/v1/logout", agent, logout(service), {.max_body_bytes = 4096});
  router.add_async(Method::get, "/api/v1/events", agent, events(service));
  router.add_async(Method::post, "/api/v1/control", agent, control(service),
                   {.body_schema = "cti_control", .max_body_bytes = 4096});
}

}  // namespace switchboard::api::routes::cti
