#include <pqxx/pqxx>

#include "api/routes/crm/crm_call.hpp"
#include "api/routes/messaging_views.hpp"

namespace switchboard::api::routes::crm {

// The tenant's chats, most recently active first, with unread counts and the last message;
// filtered by provider, account (channel) and channel code, or to unread ones.
http::HandlerFor<CrmCall> list_chats(Dependencies deps) {
  return [deps](const http::Request& request, const CrmCall& c) {
    const auto page = page_request(request);
    if (const auto* refused = std::get_if<http::Response>(&page)) return *refused;
    ChatFilter filter{request.query_param("provider_code"), request.query_param("account_id"),
                      request.query_param("channel_code"),
                      request.query_param("unread").value_or("") == "true"};
    auto json = deps.read_models.with_connection([&](pqxx::connection& connection) {
      pqxx::read_transaction tx(connection);
      return chats_page_json(tx, c.principal.tenant, filter, std::get<PageRequest>(page));
    });
    if (!json) return bad_cursor();
    return http::json(200, std::move(*json));
  };
}

}  // namespace switchboard::api::routes::crm
