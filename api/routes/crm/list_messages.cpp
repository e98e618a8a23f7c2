#include <pqxx/pqxx>

#include "api/routes/crm/crm_call.hpp"
#include "api/routes/messaging_views.hpp"

namespace switchboard::api::routes::crm {

// A chat's messages, newest first. A chat of another tenant is simply not found.
http::HandlerFor<CrmCall> list_messages(Dependencies deps) {
  return [deps](const http::Request& request, const CrmCall& c) {
    const auto page = page_request(request);
    if (const auto* refused = std::get_if<http::Response>(&page)) return *refused;
    std::optional<std::string> json;
    const bool found = deps.read_models.with_connection([&](pqxx::connection& connection) {
      pqxx::read_transaction tx(connection);
      if (tx.exec_params("SELECT 1 FROM messaging_chats WHERE tenant_id = $1 AND"
                         " provider_code = $2 AND chat_id = $3",
                         c.principal.tenant, c.provider_code, c.chat_id)
              .empty()) {
        return false;
      }
      json = messages_page_json(tx, c.principal.tenant, c.provider_code, c.chat_id,
                                std::get<PageRequest>(page));
      return true;
    });
    if (!found) {
      return http::problem(404, "not found", "no such chat", {{"chat_id", "no such chat"}});
    }
    if (!json) return bad_cursor();
    return http::json(200, std::move(*json));
  };
}

}  // namespace switchboard::api::routes::crm
