#include "api/routes/app_command.hpp"
#include "api/routes/marketplace/marketplace.hpp"
#include "domain/json.hpp"

namespace switchboard::api::routes::marketplace {

// The new version starts bound to the configuration the previous version had (seed 001).
http::HandlerFor<auth::Principal> create_app_version(Dependencies deps) {
  return [deps](const http::Request& request, const auth::Principal& caller) {
    const domain::provider_platform::CreateAppVersion command{
        domain::text(domain::parse(request.body), "version")};
    return run_app_command(deps.platform, request, caller, command, 201);
  };
}

}  // namespace switchboard::api::routes::marketplace
