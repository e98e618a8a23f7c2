#include "api/routes/app_command.hpp"
#include "api/routes/marketplace/marketplace.hpp"
#include "domain/json.hpp"

namespace switchboard::api::routes::marketplace {

// The new version starts bound to the configuration the previous version had (seed 001).
http::Handler create_app_version(Dependencies deps) {
  return [deps](const http::Request& request) {
    const auto caller = deps.auth.service(request, {"marketplace", "admin"});
    if (const auto* refused = std::get_if<http::Response>(&caller)) return *refused;
    const domain::provider_platform::CreateAppVersion command{
        domain::text(domain::parse(request.body), "version")};
    return run_app_command(deps.platform, request, std::get<auth::Principal>(caller), command, 201);
  };
}

}  // namespace switchboard::api::routes::marketplace
