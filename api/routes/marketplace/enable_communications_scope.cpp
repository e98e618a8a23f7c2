#include "api/routes/app_command.hpp"
#include "api/routes/marketplace/marketplace.hpp"
#include "domain/json.hpp"

namespace switchboard::api::routes::marketplace {

// The app becomes a provider whose code is its system name; enabling again changes nothing.
http::Handler enable_communications_scope(Dependencies deps) {
  return [deps](const http::Request& request) {
    const auto caller = deps.auth.service(request, {"marketplace", "admin"});
    if (const auto* refused = std::get_if<http::Response>(&caller)) return *refused;
    const domain::provider_platform::EnableCommunicationsScope command{
        domain::text(domain::parse(request.body), "app_version")};
    return run_app_command(deps.platform, request, std::get<auth::Principal>(caller), command);
  };
}

}  // namespace switchboard::api::routes::marketplace
