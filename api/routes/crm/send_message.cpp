#include "api/routes/command_response.hpp"
#include "api/routes/crm/crm_call.hpp"
#include "api/routes/message_input.hpp"
#include "domain/json.hpp"

namespace switchboard::api::routes::crm {

// A CRM user writes in a chat. The message is recorded as pending and answered at once (202);
// the delivery queue takes it to the provider, and the message turns `sent` (or `not_sent`,
// with a notification) later.
http::HandlerFor<CrmCall> send_message(Dependencies deps) {
  return [deps](const http::Request& request, const CrmCall& c) {
    const auto json = domain::parse(request.body);
    auto body = message_body(json, "");
    if (auto* refused = std::get_if<http::Response>(&body)) return *refused;
    if (!deps.messaging.connection(c.principal.tenant, c.provider_code).active) {
      return http::problem(409, "conflict", "the connection to this provider is not active",
                           {{"provider_code", "activate the provider's client token first"}});
    }
    const auto context = command_context(request, c.principal, c.principal.tenant);
    // A retry with the same Idempotency-Key must answer with the same message id.
    const auto message_id =
        context.idempotency_key
            ? commands::name_uuid(c.principal.subject + "|" + *context.idempotency_key)
            : commands::new_uuid();
    const domain::messaging::SubmitMessage command{
        message_id, c.principal.user, std::get<domain::messaging::MessageBody>(std::move(body)),
        domain::text(json, "reply_to")};
    const auto outcome = deps.messaging.on_chat(c.principal.tenant, c.provider_code, c.chat_id,
                                                command, context, canonical_command(request));
    return respond(outcome, http::json(202, domain::json_object([&](domain::JsonWriter& w) {
                                         domain::put(w, "message_id", command.message_id);
                                         domain::put(w, "provider_code", c.provider_code);
                                         domain::put(w, "chat_id", c.chat_id);
                                         domain::put(w, "status", "pending");
                                       })),
                   body_fields(json));
  };
}

}  // namespace switchboard::api::routes::crm
