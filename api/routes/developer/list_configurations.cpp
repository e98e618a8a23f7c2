#include <pqxx/pqxx>

#include "api/routes/developer/developer.hpp"
#include "api/routes/provider_views.hpp"

namespace switchboard::api::routes::developer {

http::HandlerFor<OwnProvider> list_configurations(Dependencies deps) {
  return [deps](const http::Request& request, const OwnProvider& owner) {
    const auto& app_id = owner.app_id;
    const auto page = page_request(request);
    if (const auto* refused = std::get_if<http::Response>(&page)) return *refused;

    const auto body = deps.read_models.with_connection([&](pqxx::connection& c) {
      pqxx::read_transaction tx(c);
      return configurations_page_json(tx, app_id, std::get<PageRequest>(page));
    });
    if (!body) return bad_cursor();
    return http::json(200, *body);
  };
}

}  // namespace switchboard::api::routes::developer
