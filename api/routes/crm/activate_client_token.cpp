#include "api/routes/crm/crm_call.hpp"
#include "commands/access/access_commands.hpp"
#include "domain/json.hpp"

namespace switchboard::api::routes::crm {
namespace {

namespace dm = domain::messaging;

// The installed app of `provider_code` for the tenant and whether the configuration the tenant
// is bound to has a history endpoint; nullopt when the app is not (or no longer) installed.
std::optional<std::pair<std::string, bool>> installed_app(const Dependencies& deps,
                                                          const std::string& tenant_id,
                                                          const std::string& provider_code) {
  const auto tenant = deps.platform.tenant(tenant_id);
  for (const auto& [app_id, installation] : tenant.installations) {
    if (installation.provider_code != provider_code || !installation.active) continue;
    const auto app = deps.platform.app(app_id);
    const auto it = app.configurations.find(installation.configuration_version);
    const bool history =
        it != app.configurations.end() && it->second.endpoints.contains("message_history");
    return std::pair{app_id, history};
  }
  return std::nullopt;
}

}  // namespace

// The tenant activates the client token its provider gave it: the token is claimed for this
// tenant x provider, kept as a hash (to authenticate the provider) and sealed (to call the
// provider), and the main account is connected. The delivery worker then lists the provider's
// channels and, when the configuration has a history endpoint, imports the chats silently.
http::HandlerFor<CrmCall> activate_client_token(Dependencies deps) {
  return [deps](const http::Request& request, const CrmCall& c) {
    const auto body = domain::parse(request.body);
    const auto provider_code = domain::text(body, "provider_code");
    const auto token = domain::text(body, "token");
    const auto app = installed_app(deps, c.principal.tenant, provider_code);
    if (!app) {
      return http::problem(409, "conflict", "the provider's app is not installed for this tenant",
                           {{"/provider_code", "no installed app has this provider code"}});
    }
    const dm::ActivateToken command{c.principal.tenant,
                                    provider_code,
                                    app->first,
                                    commands::access::token_sha256(token),
                                    crypto::seal(token, deps.secret_key),
                                    app->second};
    const auto outcome = deps.messaging.activate_token(
        command, command_context(request, c.principal, c.principal.tenant),
        canonical_command(request));
    // The connection as the activation left it, however far the sync it starts has got by then.
    return connection_answer(deps, outcome, 201, c.principal.tenant, provider_code,
                             body_fields(body));
  };
}

}  // namespace switchboard::api::routes::crm
