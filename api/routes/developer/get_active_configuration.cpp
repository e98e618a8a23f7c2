#include <pqxx/pqxx>

#include "api/routes/developer/developer.hpp"
#include "api/routes/provider_views.hpp"

namespace switchboard::api::routes::developer {

http::HandlerFor<OwnProvider> get_active_configuration(Dependencies deps) {
  return [deps](const http::Request&, const OwnProvider& owner) {
    const auto& app_id = owner.app_id;

    const auto active = deps.read_models.with_connection([&](pqxx::connection& c) {
      pqxx::read_transaction tx(c);
      return active_configuration_json(tx, app_id);
    });
    if (!active) {
      return http::problem(404, "not found", "the provider has no active configuration yet",
                           {{"code", "upload a configuration first"}});
    }
    return http::json(200, *active);
  };
}

}  // namespace switchboard::api::routes::developer
