#include <pqxx/pqxx>

#include "api/routes/marketplace/installations.hpp"
#include "api/routes/sql_views.hpp"

namespace switchboard::api::routes::marketplace {

http::HandlerFor<InstallationCall> installation_history(Dependencies deps) {
  return [deps](const http::Request& request, const InstallationCall& c) {
    const auto page = page_request(request);
    if (const auto* refused = std::get_if<http::Response>(&page)) return *refused;
    const auto& p = std::get<PageRequest>(page);
    // The cursor is the log position of the last change on the previous page.
    const auto after = p.cursor.empty() ? std::optional<std::int64_t>{0} : to_integer(p.cursor);
    if (!after) return bad_cursor();

    const auto rows = deps.read_models.with_connection([&](pqxx::connection& connection) {
      pqxx::read_transaction tx(connection);
      return tx.exec_params(
          "SELECT global_position, change, app_version, configuration_version, reason, " +
              iso_time("recorded_at") +
              " FROM tenant_binding_history WHERE tenant_id = $1 AND app_id = $2"
              " AND global_position > $3 ORDER BY global_position LIMIT $4",
          c.tenant_id, c.app_id, *after, static_cast<std::int64_t>(p.limit + 1));
    });
    if (rows.empty() && p.cursor.empty()) {
      return http::problem(404, "not found", "the app was never installed for this tenant",
                           {{"app_id", "no installation history"}});
    }
    return http::json(200, page_of(
                               rows, p.limit,
                               [](domain::JsonWriter& w, const pqxx::row& r) {
                                 domain::put(w, "position", r[0].as<std::int64_t>());
                                 domain::put(w, "change", r[1].c_str());
                                 domain::put(w, "app_version", r[2].c_str());
                                 domain::put(w, "configuration_version", r[3].as<std::int64_t>());
                                 if (!r[4].is_null()) domain::put(w, "reason", r[4].c_str());
                                 domain::put(w, "recorded_at", r[5].c_str());
                               },
                               [](const pqxx::row& r) { return std::string(r[0].c_str()); }));
  };
}

}  // namespace switchboard::api::routes::marketplace
