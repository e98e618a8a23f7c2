#include <pqxx/pqxx>

#include "api/routes/marketplace/marketplace.hpp"
#include "api/routes/provider_views.hpp"

namespace switchboard::api::routes::marketplace {

http::HandlerFor<auth::Principal> get_app(Dependencies deps) {
  return [deps](const http::Request& request, const auth::Principal&) {
    const auto app = deps.read_models.with_connection([&](pqxx::connection& c) {
      pqxx::read_transaction tx(c);
      return app_json(tx, request.params.at("app_id"));
    });
    if (!app) return http::problem(404, "not found", "no such app", {{"app_id", "no such app"}});
    return http::json(200, *app);
  };
}

}  // namespace switchboard::api::routes::marketplace
