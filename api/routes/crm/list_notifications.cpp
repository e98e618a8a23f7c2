#include <pqxx/pqxx>

#include "api/routes/crm/crm_call.hpp"
#include "api/routes/messaging_views.hpp"

namespace switchboard::api::routes::crm {

// The user's notifications, newest first: their messages that could not be delivered.
http::HandlerFor<CrmCall> list_notifications(Dependencies deps) {
  return [deps](const http::Request& request, const CrmCall& c) {
    const auto page = page_request(request);
    if (const auto* refused = std::get_if<http::Response>(&page)) return *refused;
    auto json = deps.read_models.with_connection([&](pqxx::connection& connection) {
      pqxx::read_transaction tx(connection);
      return notifications_page_json(tx, c.principal.tenant, c.principal.user,
                                     std::get<PageRequest>(page));
    });
    if (!json) return bad_cursor();
    return http::json(200, std::move(*json));
  };
}

}  // namespace switchboard::api::routes::crm
