#include "api/routes/command_response.hpp"
#include "api/routes/crm/crm_call.hpp"
#include "api/routes/message_input.hpp"
#include "domain/json.hpp"

namespace switchboard::api::routes::crm {

// A CRM user corrects the text of a message they sent; the provider is asked to do the same.
// Only the text (with its format and entities) changes.
http::HandlerFor<CrmCall> edit_message_text(Dependencies deps) {
  return [deps](const http::Request& request, const CrmCall& c) {
    auto body = message_text(domain::parse(request.body));
    if (auto* refused = std::get_if<http::Response>(&body)) return *refused;
    const auto& message_id = request.params.at("message_id");
    const domain::messaging::UpdateMessageText command{
        message_id, std::get<domain::messaging::MessageBody>(std::move(body)), "crm",
        c.principal.user};
    const auto outcome = deps.messaging.on_chat(
        c.principal.tenant, c.provider_code, c.chat_id, command,
        command_context(request, c.principal, c.principal.tenant), canonical_command(request));
    return respond(outcome, http::json(200, domain::json_object([&](domain::JsonWriter& w) {
                                         domain::put(w, "message_id", message_id);
                                         domain::put(w, "text", command.body.text);
                                       })));
  };
}

}  // namespace switchboard::api::routes::crm
