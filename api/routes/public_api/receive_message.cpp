#include "api/routes/command_response.hpp"
#include "api/routes/public_api/public_call.hpp"
#include "domain/json.hpp"

namespace switchboard::api::routes::public_api {

// A message the provider received: its `chat` object finds the chat, or creates it with every
// participant. A provider message id seen before answers with the original message.
http::Handler receive_message(Dependencies deps) {
  return [deps](const http::Request& request) {
    auto call = public_call(deps, request);
    if (auto* refused = std::get_if<http::Response>(&call)) return *refused;
    const auto& c = std::get<PublicCall>(call);
    return ingest_message(deps, c, domain::parse(request.body), "", false,
                          command_context(request, c.principal, c.principal.tenant),
                          canonical_command(request));
  };
}

}  // namespace switchboard::api::routes::public_api
