#include "api/routes/command_response.hpp"
#include "api/routes/marketplace/marketplace.hpp"

namespace switchboard::api::routes::marketplace {

// Refused (409) once the scope was enabled (seed 001); before that there is nothing to disable.
http::HandlerFor<auth::Principal> disable_communications_scope(Dependencies deps) {
  return [deps](const http::Request& request, const auth::Principal& caller) {
    const auto outcome = deps.platform.on_app(
        request.params.at("app_id"), domain::provider_platform::DisableCommunicationsScope{},
        command_context(request, caller), canonical_command(request));
    return respond(outcome, {.status = 204, .content_type = {}, .body = {}, .headers = {}});
  };
}

}  // namespace switchboard::api::routes::marketplace
