#include "api/routes/command_response.hpp"
#include "api/routes/marketplace/installations.hpp"
#include "domain/json.hpp"

namespace switchboard::api::routes::marketplace {

http::HandlerFor<InstallationCall> install_app(Dependencies deps) {
  return [deps](const http::Request& request, const InstallationCall& c) {
    const auto body = domain::parse(request.body);
    const domain::provider_platform::InstallApp command{domain::text(body, "app_id"),
                                                        domain::text(body, "app_version"),
                                                        domain::flag(body, "sandbox")};
    const auto outcome = deps.platform.on_tenant(c.tenant_id, command.app_id, command,
                                                 command_context(request, c.principal, c.tenant_id),
                                                 canonical_command(request));
    return installation_answer(deps, request, outcome, c.tenant_id, command.app_id, 201);
  };
}

}  // namespace switchboard::api::routes::marketplace
