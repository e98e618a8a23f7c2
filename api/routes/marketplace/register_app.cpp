#include <rapidjson/document.h>

#include "api/routes/command_response.hpp"
#include "api/routes/marketplace/marketplace.hpp"
#include "domain/json.hpp"

namespace switchboard::api::routes::marketplace {

http::Handler register_app(Dependencies deps) {
  return [deps](const http::Request& request) {
    const auto caller = deps.auth.service(request, {"marketplace", "admin"});
    if (const auto* refused = std::get_if<http::Response>(&caller)) return *refused;
    const auto& principal = std::get<auth::Principal>(caller);

    const auto body = domain::parse(request.body);
    const domain::provider_platform::RegisterApp command{
        domain::text(body, "app_id"), domain::text(body, "system_name"),
        domain::text(body, "developer_id"), domain::text(body, "initial_version")};
    const auto outcome = deps.platform.register_app(command, command_context(request, principal),
                                                    canonical_command(request));
    return respond(outcome, http::json(201, request.body));
  };
}

}  // namespace switchboard::api::routes::marketplace
