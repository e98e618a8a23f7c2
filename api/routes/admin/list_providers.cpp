#include <pqxx/pqxx>

#include "api/routes/admin/admin.hpp"
#include "api/routes/provider_views.hpp"

namespace switchboard::api::routes::admin {

// Every registered app, by id: those without the communications scope are listed too, with the
// scope as their first unmet condition.
http::HandlerFor<auth::Principal> list_providers(Dependencies deps) {
  return [deps](const http::Request& request, const auth::Principal&) {
    const auto page = page_request(request);
    if (const auto* refused = std::get_if<http::Response>(&page)) return *refused;
    return http::json(200, deps.read_models.with_connection([&](pqxx::connection& c) {
      pqxx::read_transaction tx(c);
      return apps_page_json(tx, std::get<PageRequest>(page));
    }));
  };
}

}  // namespace switchboard::api::routes::admin
