#include "api/routes/command_response.hpp"
#include "api/routes/public_api/public_call.hpp"
#include "domain/json.hpp"

namespace switchboard::api::routes::public_api {

// The tenant disconnected a channel at the provider: its account is deactivated; its chats stay.
http::HandlerFor<PublicCall> disconnect_channel(Dependencies deps) {
  return [deps](const http::Request& request, const PublicCall& c) {
    const auto& account_id = request.params.at("account_id");
    const auto outcome = deps.messaging.on_connection(
        c.principal.tenant, c.principal.provider, domain::messaging::DisconnectAccount{account_id},
        command_context(request, c.principal, c.principal.tenant), canonical_command(request));
    return respond(outcome, http::json(200, domain::json_object([&](domain::JsonWriter& w) {
                                         domain::put(w, "account_id", account_id);
                                         domain::put(w, "active", false);
                                       })));
  };
}

}  // namespace switchboard::api::routes::public_api
