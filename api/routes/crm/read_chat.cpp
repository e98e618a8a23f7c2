#include "api/routes/command_response.hpp"
#include "api/routes/crm/crm_call.hpp"
#include "domain/json.hpp"

namespace switchboard::api::routes::crm {

// A CRM user read the chat: every unread message becomes seen, and the provider is told.
http::HandlerFor<CrmCall> read_chat(Dependencies deps) {
  return [deps](const http::Request& request, const CrmCall& c) {
    const auto outcome = deps.messaging.on_chat(
        c.principal.tenant, c.provider_code, c.chat_id,
        domain::messaging::MarkChatRead{"crm", c.principal.user},
        command_context(request, c.principal, c.principal.tenant), canonical_command(request));
    return respond(outcome, http::json(200, domain::json_object([&](domain::JsonWriter& w) {
                                         domain::put(w, "provider_code", c.provider_code);
                                         domain::put(w, "chat_id", c.chat_id);
                                         domain::put(w, "unread_count", std::int64_t{0});
                                       })));
  };
}

}  // namespace switchboard::api::routes::crm
