#include "api/routes/command_response.hpp"
#include "api/routes/public_api/public_call.hpp"
#include "domain/json.hpp"

namespace switchboard::api::routes::public_api {

// sent < delivered < read, failed is final: a status that would move backwards is accepted and
// ignored (`changed`: false), so providers may send late and repeated updates freely.
http::HandlerFor<PublicCall> update_message_status(Dependencies deps) {
  return [deps](const http::Request& request, const PublicCall& c) {
    const auto body = domain::parse(request.body);
    return change_status(deps, c, c.chat_id, request.params.at("message_id"),
                         domain::text(body, "status"),
                         command_context(request, c.principal, c.principal.tenant),
                         canonical_command(request), body_fields(body));
  };
}

}  // namespace switchboard::api::routes::public_api
