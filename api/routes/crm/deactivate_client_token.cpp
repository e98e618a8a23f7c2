#include "api/routes/crm/crm_call.hpp"

namespace switchboard::api::routes::crm {

// The tenant deactivates the provider's client token: the provider is told (app_disabled), then
// never called again for this tenant, and its requests with the token get 401.
http::HandlerFor<CrmCall> deactivate_client_token(Dependencies deps) {
  return [deps](const http::Request& request, const CrmCall& c) {
    if (!deps.messaging.connection(c.principal.tenant, c.provider_code).active) {
      return http::problem(404, "not found", "no active connection to this provider",
                           {{"provider_code", "no active connection"}});
    }
    const auto outcome = deps.messaging.on_connection(
        c.principal.tenant, c.provider_code, domain::messaging::DeactivateToken{"deactivated"},
        command_context(request, c.principal, c.principal.tenant), canonical_command(request));
    // Once the tenant is told, the token gets 401.
    return connection_answer(deps, outcome, 200, c.principal.tenant, c.provider_code);
  };
}

}  // namespace switchboard::api::routes::crm
