#include <pqxx/pqxx>

#include "api/routes/marketplace/installations.hpp"
#include "api/routes/pagination.hpp"
#include "domain/json.hpp"

namespace switchboard::api::routes::marketplace {

http::Handler list_installations(Dependencies deps) {
  return [deps](const http::Request& request) {
    auto call = installation_call(deps, request);
    if (auto* refused = std::get_if<http::Response>(&call)) return *refused;
    const auto& c = std::get<InstallationCall>(call);
    auto page = page_request(request);
    if (auto* refused = std::get_if<http::Response>(&page)) return *refused;
    const auto& p = std::get<PageRequest>(page);

    // One row more than asked tells whether there is a next page.
    const auto rows = deps.read_models.with_connection([&](pqxx::connection& connection) {
      pqxx::read_transaction tx(connection);
      return tx.exec_params(
          "SELECT app_id, provider_code, app_version, configuration_version, sandbox, active,"
          " to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
          " FROM tenant_bindings WHERE tenant_id = $1 AND app_id > $2 ORDER BY app_id LIMIT $3",
          c.tenant_id, p.cursor, static_cast<std::int64_t>(p.limit + 1));
    });
    std::vector<std::string> items;
    for (std::size_t i = 0; i < rows.size() && i < p.limit; ++i) {
      const auto& r = rows[i];
      items.push_back(domain::json_object([&](domain::JsonWriter& w) {
        domain::put(w, "tenant_id", c.tenant_id);
        domain::put(w, "app_id", r[0].c_str());
        domain::put(w, "provider_code", r[1].c_str());
        domain::put(w, "app_version", r[2].c_str());
        domain::put(w, "configuration_version", r[3].as<std::int64_t>());
        domain::put(w, "sandbox", r[4].as<bool>());
        domain::put(w, "active", r[5].as<bool>());
        domain::put(w, "updated_at", r[6].c_str());
      }));
    }
    std::optional<std::string> next;
    if (rows.size() > p.limit) next = rows[p.limit - 1][0].c_str();
    return http::json(200, page_json(items, next));
  };
}

}  // namespace switchboard::api::routes::marketplace
