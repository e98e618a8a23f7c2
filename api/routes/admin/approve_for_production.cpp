#include "api/routes/admin/admin.hpp"
#include "api/routes/app_command.hpp"
#include "domain/json.hpp"

namespace switchboard::api::routes::admin {

http::Handler approve_for_production(Dependencies deps) {
  return [deps](const http::Request& request) {
    const auto caller = deps.auth.service(request, {"admin"});
    if (const auto* refused = std::get_if<http::Response>(&caller)) return *refused;
    const domain::provider_platform::ApproveForProduction command{
        domain::text(domain::parse(request.body), "comment")};
    return run_app_command(deps.platform, request, std::get<auth::Principal>(caller), command);
  };
}

}  // namespace switchboard::api::routes::admin
