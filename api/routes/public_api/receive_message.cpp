#include "api/routes/command_response.hpp"
#include "api/routes/public_api/public_call.hpp"
#include "domain/json.hpp"

namespace switchboard::api::routes::public_api {

// A message the provider received: its `chat` object finds the chat, or creates it with every
// participant. A provider message id seen before answers with the original message.
http::HandlerFor<PublicCall> receive_message(Dependencies deps) {
  return [deps](const http::Request& request, const PublicCall& c) {
    return ingest_message(deps, c, domain::parse(request.body), "", false,
                          command_context(request, c.principal, c.principal.tenant),
                          canonical_command(request));
  };
}

}  // namespace switchboard::api::routes::public_api
