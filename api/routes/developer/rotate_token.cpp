#include "api/routes/command_response.hpp"
#include "api/routes/developer/developer.hpp"
#include "api/routes/token_response.hpp"

namespace switchboard::api::routes::developer {

// A new token for the calling developer; the calling token is revoked once the new one is
// recorded, so the developer is never left without one.
http::HandlerFor<auth::Principal> rotate_token(Dependencies deps) {
  return [deps](const http::Request& request, const auth::Principal& principal) {
    const auto context = token_command_context(request, principal);
    auto issued = deps.access.issue(domain::access::TokenKind::developer, principal.subject, "",
                                    "rotated", context);
    if (const auto* failed = std::get_if<commands::CommandOutcome>(&issued)) {
      return respond(*failed, {});
    }
    const auto& token = std::get<commands::access::IssuedToken>(issued);
    // Should this fail, the new secret is never shown, so the token it belongs to is inert.
    const auto revoked = deps.access.revoke(principal.token_id, "rotated", context);
    return respond(revoked, http::json(201, developer_token_json(principal.subject, token,
                                                                 principal.token_id)));
  };
}

}  // namespace switchboard::api::routes::developer
