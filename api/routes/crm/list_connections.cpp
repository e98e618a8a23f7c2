#include <pqxx/pqxx>

#include "api/routes/crm/crm_call.hpp"
#include "api/routes/messaging_views.hpp"

namespace switchboard::api::routes::crm {

// The tenant's connections to providers, each with its main and channel accounts.
http::Handler list_connections(Dependencies deps) {
  return [deps](const http::Request& request) {
    auto call = crm_call(deps, request);
    if (auto* refused = std::get_if<http::Response>(&call)) return *refused;
    const auto& c = std::get<CrmCall>(call);
    return http::json(200, deps.read_models.with_connection([&](pqxx::connection& connection) {
      pqxx::read_transaction tx(connection);
      return connections_json(tx, c.principal.tenant);
    }));
  };
}

}  // namespace switchboard::api::routes::crm
