#include "api/routes/routes.hpp"

namespace switchboard::api::routes {

void register_routes(http::Router& router, Services& services) {
  using http::Method;

  router.add(Method::get, "/healthz", operations::healthz());
  router.add(Method::get, "/readyz", operations::readyz(services.readiness));
  router.add(Method::get, "/metrics", operations::metrics(services.metrics));
}

}  // namespace switchboard::api::routes
