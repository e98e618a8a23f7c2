#include <rapidjson/document.h>

#include "api/routes/command_response.hpp"
#include "api/routes/marketplace/marketplace.hpp"
#include "domain/json.hpp"

namespace switchboard::api::routes::marketplace {

http::HandlerFor<auth::Principal> register_app(Dependencies deps) {
  return [deps](const http::Request& request, const auth::Principal& principal) {
    const auto body = domain::parse(request.body);
    const domain::provider_platform::RegisterApp command{
        domain::text(body, "app_id"), domain::text(body, "system_name"),
        domain::text(body, "developer_id"), domain::text(body, "initial_version")};
    const auto outcome = deps.platform.register_app(command, command_context(request, principal),
                                                    canonical_command(request));
    if (!outcome.ok()) return respond(outcome, {}, body_fields(request));
    return http::json(201, request.body);
  };
}

}  // namespace switchboard::api::routes::marketplace
