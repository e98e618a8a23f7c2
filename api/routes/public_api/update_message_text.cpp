#include "api/routes/command_response.hpp"
#include "api/routes/message_input.hpp"
#include "api/routes/public_api/public_call.hpp"
#include "domain/json.hpp"

namespace switchboard::api::routes::public_api {

// The provider changed a message's text: only the text (with its format and entities) changes.
http::HandlerFor<PublicCall> update_message_text(Dependencies deps) {
  return [deps](const http::Request& request, const PublicCall& c) {
    auto body = message_text(domain::parse(request.body));
    if (auto* refused = std::get_if<http::Response>(&body)) return *refused;
    const auto& message_id = request.params.at("message_id");
    const domain::messaging::UpdateMessageText command{
        message_id, std::get<domain::messaging::MessageBody>(std::move(body)), "provider", {}};
    const auto outcome = deps.messaging.on_chat(
        c.principal.tenant, c.principal.provider, c.chat_id, command,
        command_context(request, c.principal, c.principal.tenant), canonical_command(request));
    return respond(outcome, http::json(200, domain::json_object([&](domain::JsonWriter& w) {
                                         domain::put(w, "chat_id", c.chat_id);
                                         domain::put(w, "message_id", message_id);
                                         domain::put(w, "changed", outcome.wrote());
                                       })));
  };
}

}  // namespace switchboard::api::routes::public_api
