#include <pqxx/pqxx>

#include "api/routes/crm/crm_call.hpp"
#include "api/routes/messaging_views.hpp"

namespace switchboard::api::routes::crm {

// The tenant's connections to providers, each with its main and channel accounts.
http::HandlerFor<CrmCall> list_connections(Dependencies deps) {
  return [deps](const http::Request&, const CrmCall& c) {
    return http::json(200, deps.read_models.with_connection([&](pqxx::connection& connection) {
      pqxx::read_transaction tx(connection);
      return connections_json(tx, c.principal.tenant);
    }));
  };
}

}  // namespace switchboard::api::routes::crm
