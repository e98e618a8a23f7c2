#include <pqxx/pqxx>

#include "api/routes/marketplace/installations.hpp"
#include "api/routes/sql_views.hpp"

namespace switchboard::api::routes::marketplace {

http::HandlerFor<InstallationCall> list_installations(Dependencies deps) {
  return [deps](const http::Request& request, const InstallationCall& c) {
    const auto page = page_request(request);
    if (const auto* refused = std::get_if<http::Response>(&page)) return *refused;
    const auto& p = std::get<PageRequest>(page);
    const auto rows = deps.read_models.with_connection([&](pqxx::connection& connection) {
      pqxx::read_transaction tx(connection);
      return tx.exec_params(
          "SELECT app_id, provider_code, app_version, configuration_version, sandbox, active, " +
              iso_time("updated_at") +
              " FROM tenant_bindings WHERE tenant_id = $1 AND app_id > $2 ORDER BY app_id"
              " LIMIT $3",
          c.tenant_id, p.cursor, static_cast<std::int64_t>(p.limit + 1));
    });
    return http::json(200, page_of(
                               rows, p.limit,
                               [&](domain::JsonWriter& w, const pqxx::row& r) {
                                 domain::put(w, "tenant_id", c.tenant_id);
                                 domain::put(w, "app_id", r[0].c_str());
                                 domain::put(w, "provider_code", r[1].c_str());
                                 domain::put(w, "app_version", r[2].c_str());
                                 domain::put(w, "configuration_version", r[3].as<std::int64_t>());
                                 domain::put(w, "sandbox", r[4].as<bool>());
                                 domain::put(w, "active", r[5].as<bool>());
                                 domain::put(w, "updated_at", r[6].c_str());
                               },
                               [](const pqxx::row& r) { return std::string(r[0].c_str()); }));
  };
}

}  // namespace switchboard::api::routes::marketplace
