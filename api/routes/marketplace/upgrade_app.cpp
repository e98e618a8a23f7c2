#include "api/routes/command_response.hpp"
#include "api/routes/marketplace/installations.hpp"
#include "domain/json.hpp"

namespace switchboard::api::routes::marketplace {

http::HandlerFor<InstallationCall> upgrade_app(Dependencies deps) {
  return [deps](const http::Request& request, const InstallationCall& c) {
    const domain::provider_platform::UpgradeApp command{
        c.app_id, domain::text(domain::parse(request.body), "app_version")};
    const auto outcome = deps.platform.on_tenant(c.tenant_id, c.app_id, command,
                                                 command_context(request, c.principal, c.tenant_id),
                                                 canonical_command(request));
    return installation_answer(deps, request, outcome, c.tenant_id, c.app_id, 200);
  };
}

}  // namespace switchboard::api::routes::marketplace
