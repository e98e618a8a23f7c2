#include <charconv>
#include <pqxx/pqxx>

#include "api/routes/marketplace/installations.hpp"
#include "api/routes/pagination.hpp"
#include "domain/json.hpp"

namespace switchboard::api::routes::marketplace {

http::Handler installation_history(Dependencies deps) {
  return [deps](const http::Request& request) {
    auto call = installation_call(deps, request);
    if (auto* refused = std::get_if<http::Response>(&call)) return *refused;
    const auto& c = std::get<InstallationCall>(call);
    auto page = page_request(request);
    if (auto* refused = std::get_if<http::Response>(&page)) return *refused;
    const auto& p = std::get<PageRequest>(page);
    // The cursor is the log position of the last change on the previous page.
    std::int64_t after = 0;
    if (!p.cursor.empty()) {
      const auto* end = p.cursor.data() + p.cursor.size();
      if (const auto [ptr, ec] = std::from_chars(p.cursor.data(), end, after);
          ec != std::errc() || ptr != end || after < 0) {
        return http::problem(400, "invalid request", "bad query parameter",
                             {{"cursor", "pass the next_cursor of the previous page"}});
      }
    }

    const auto rows = deps.read_models.with_connection([&](pqxx::connection& connection) {
      pqxx::read_transaction tx(connection);
      return tx.exec_params(
          "SELECT global_position, change, app_version, configuration_version, reason,"
          " to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
          " FROM tenant_binding_history WHERE tenant_id = $1 AND app_id = $2"
          " AND global_position > $3 ORDER BY global_position LIMIT $4",
          c.tenant_id, c.app_id, after, static_cast<std::int64_t>(p.limit + 1));
    });
    if (rows.empty() && p.cursor.empty()) {
      return http::problem(404, "not found", "the app was never installed for this tenant",
                           {{"app_id", "no installation history"}});
    }
    std::vector<std::string> items;
    for (std::size_t i = 0; i < rows.size() && i < p.limit; ++i) {
      const auto& r = rows[i];
      items.push_back(domain::json_object([&](domain::JsonWriter& w) {
        domain::put(w, "position", r[0].as<std::int64_t>());
        domain::put(w, "change", r[1].c_str());
        domain::put(w, "app_version", r[2].c_str());
        domain::put(w, "configuration_version", r[3].as<std::int64_t>());
        if (!r[4].is_null()) domain::put(w, "reason", r[4].c_str());
        domain::put(w, "recorded_at", r[5].c_str());
      }));
    }
    std::optional<std::string> next;
    if (rows.size() > p.limit) next = rows[p.limit - 1][0].c_str();
    return http::json(200, page_json(items, next));
  };
}

}  // namespace switchboard::api::routes::marketplace
