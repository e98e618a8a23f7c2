#include "api/routes/command_response.hpp"
#include "api/routes/public_api/public_call.hpp"
#include "domain/json.hpp"
#include "domain/messaging/channel_codes.hpp"

namespace switchboard::api::routes::public_api {

// The tenant connected a channel at the provider: its account is created, or activated again.
http::HandlerFor<PublicCall> connect_channel(Dependencies deps) {
  return [deps](const http::Request& request, const PublicCall& c) {
    const auto body = domain::parse(request.body);
    const domain::messaging::ConnectAccount command{domain::text(body, "account_id"),
                                                    domain::text(body, "channel_code"),
                                                    domain::text(body, "name")};
    const auto outcome = deps.messaging.on_connection(
        c.principal.tenant, c.principal.provider, command,
        command_context(request, c.principal, c.principal.tenant), canonical_command(request));
    return respond(
        outcome,
        http::json(outcome.wrote() ? 201 : 200, domain::json_object([&](domain::JsonWriter& w) {
                     domain::put(w, "account_id", command.account_id);
                     domain::put(w, "channel_code", command.channel_code);
                     domain::put(w, "icon", domain::messaging::channel_icon(command.channel_code));
                     domain::put(w, "name", command.name);
                     domain::put(w, "active", true);
                   })),
        body_fields(body));
  };
}

}  // namespace switchboard::api::routes::public_api
