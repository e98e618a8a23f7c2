#include "api/routes/command_response.hpp"
#include "api/routes/marketplace/marketplace.hpp"

namespace switchboard::api::routes::marketplace {

// Refused (409) once the scope was enabled (seed 001); before that there is nothing to disable.
http::Handler disable_communications_scope(Dependencies deps) {
  return [deps](const http::Request& request) {
    const auto caller = deps.auth.service(request, {"marketplace", "admin"});
    if (const auto* refused = std::get_if<http::Response>(&caller)) return *refused;
    const auto outcome = deps.platform.on_app(
        request.params.at("app_id"), domain::provider_platform::DisableCommunicationsScope{},
        command_context(request, std::get<auth::Principal>(caller)), canonical_command(request));
    return respond(outcome, {.status = 204, .content_type = {}, .body = {}, .headers = {}});
  };
}

}  // namespace switchboard::api::routes::marketplace
