#include "api/routes/routes.hpp"

#include "api/routes/admin/admin.hpp"
#include "api/routes/crm/crm.hpp"
#include "api/routes/cti/cti_routes.hpp"
#include "api/routes/developer/developer.hpp"
#include "api/routes/marketplace/marketplace.hpp"
#include "api/routes/public_api/public_api.hpp"

namespace switchboard::api::routes {

void register_routes(http::Router& router, Services& services) {
  using http::Method;

  router.add(Method::get, "/healthz", operations::healthz());
  router.add(Method::get, "/readyz", operations::readyz(services.readiness));
  router.add(Method::get, "/metrics", operations::metrics(services.metrics));

  marketplace::register_routes(router, {.auth = services.auth,
                                        .platform = services.platform,
                                        .read_models = services.read_models,
                                        .access = services.access});
  developer::register_routes(router, {.auth = services.auth,
                                      .platform = services.platform,
                                      .access = services.access,
                                      .read_models = services.read_models,
                                      .secret_key = services.secret_key});
  admin::register_routes(
      router,
      {.auth = services.auth, .platform = services.platform, .read_models = services.read_models});
  public_api::register_routes(router, {.auth = services.auth, .messaging = services.messaging},
                              services.public_api_errors);
  crm::register_routes(router, {.auth = services.auth,
                                .messaging = services.messaging,
                                .platform = services.platform,
                                .read_models = services.read_models,
                                .watch = services.watch,
                                .secret_key = services.secret_key});
  cti::register_cti_routes(router, services.cti);
}

}  // namespace switchboard::api::routes
