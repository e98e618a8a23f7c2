#include "api/routes/command_response.hpp"
#include "api/routes/marketplace/installations.hpp"

namespace switchboard::api::routes::marketplace {

http::HandlerFor<InstallationCall> remove_app(Dependencies deps) {
  return [deps](const http::Request& request, const InstallationCall& c) {
    // Checked here, not only by the aggregate: a repeated removal (which changes nothing) must
    // not accept what the first one would have refused.
    const auto reason = request.query_param("reason").value_or("");
    if (reason != "disabled" && reason != "removed") {
      return http::problem(400, "invalid request", "bad query parameter",
                           {{"reason", "must be 'disabled' or 'removed'"}});
    }
    const domain::provider_platform::RemoveApp command{c.app_id, reason};
    const auto outcome = deps.platform.on_tenant(c.tenant_id, c.app_id, command,
                                                 command_context(request, c.principal, c.tenant_id),
                                                 canonical_command(request));
    return installation_answer(deps, request, outcome, c.tenant_id, c.app_id, 200);
  };
}

}  // namespace switchboard::api::routes::marketplace
