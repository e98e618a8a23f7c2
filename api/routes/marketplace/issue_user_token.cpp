#include "api/routes/command_response.hpp"
#include "api/routes/marketplace/installations.hpp"
#include "api/routes/token_response.hpp"
#include "domain/json.hpp"

namespace switchboard::api::routes::marketplace {

// A CRM user's token for the CRM API, shown once. The CRM's backend (the marketplace's side)
// asks for it when one of its users opens communications; earlier tokens stay valid until
// revoked, like developer tokens.
http::HandlerFor<InstallationCall> issue_user_token(Dependencies deps) {
  return [deps](const http::Request& request, const InstallationCall& c) {
    auto issued = deps.access.issue(domain::access::TokenKind::user, c.tenant_id + "/" + c.user_id,
                                    "", "crm user", token_command_context(request, c.principal));
    if (const auto* failed = std::get_if<commands::CommandOutcome>(&issued)) {
      return respond(*failed, {});
    }
    const auto& token = std::get<commands::access::IssuedToken>(issued);
    return http::json(201, domain::json_object([&](domain::JsonWriter& w) {
                        domain::put(w, "tenant_id", c.tenant_id);
                        domain::put(w, "user_id", c.user_id);
                        domain::put(w, "token_id", token.token_id);
                        domain::put(w, "token", token.secret);
                      }));
  };
}

}  // namespace switchboard::api::routes::marketplace
