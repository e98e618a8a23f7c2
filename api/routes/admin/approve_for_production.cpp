#include "api/routes/admin/admin.hpp"
#include "api/routes/app_command.hpp"
#include "domain/json.hpp"

namespace switchboard::api::routes::admin {

http::HandlerFor<auth::Principal> approve_for_production(Dependencies deps) {
  return [deps](const http::Request& request, const auth::Principal& caller) {
    const domain::provider_platform::ApproveForProduction command{
        domain::text(domain::parse(request.body), "comment")};
    return run_app_command(deps.platform, request, caller, command);
  };
}

}  // namespace switchboard::api::routes::admin
