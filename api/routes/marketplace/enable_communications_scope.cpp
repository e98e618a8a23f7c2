#include "api/routes/app_command.hpp"
#include "api/routes/marketplace/marketplace.hpp"
#include "domain/json.hpp"

namespace switchboard::api::routes::marketplace {

// The app becomes a provider whose code is its system name; enabling again changes nothing.
http::HandlerFor<auth::Principal> enable_communications_scope(Dependencies deps) {
  return [deps](const http::Request& request, const auth::Principal& caller) {
    const domain::provider_platform::EnableCommunicationsScope command{
        domain::text(domain::parse(request.body), "app_version")};
    return run_app_command(deps.platform, request, caller, command);
  };
}

}  // namespace switchboard::api::routes::marketplace
