#include "api/routes/command_response.hpp"
#include "api/routes/public_api/public_call.hpp"
#include "domain/json.hpp"

namespace switchboard::api::routes::public_api {

// The chat was read on the provider's side: every unread message in it becomes seen
// (seen_flag = true).
http::HandlerFor<PublicCall> read_chat(Dependencies deps) {
  return [deps](const http::Request& request, const PublicCall& c) {
    const auto outcome = deps.messaging.on_chat(
        c.principal.tenant, c.principal.provider, c.chat_id,
        domain::messaging::MarkChatRead{"provider", {}},
        command_context(request, c.principal, c.principal.tenant), canonical_command(request));
    return respond(outcome, http::json(200, domain::json_object([&](domain::JsonWriter& w) {
                                         domain::put(w, "chat_id", c.chat_id);
                                         domain::put(w, "unread_count", std::int64_t{0});
                                       })));
  };
}

}  // namespace switchboard::api::routes::public_api
