#include <algorithm>

#include "api/routes/command_response.hpp"
#include "api/routes/marketplace/marketplace.hpp"
#include "api/routes/token_response.hpp"

namespace switchboard::api::routes::marketplace {

// A developer token for `:developer_id`, shown once. Earlier tokens stay valid: a developer who
// lost theirs gets a new one here and revokes nothing they still use; rotation is theirs.
http::HandlerFor<auth::Principal> issue_developer_token(Dependencies deps) {
  return [deps](const http::Request& request, const auth::Principal& caller) {
    const auto& developer_id = request.params.at("developer_id");
    // The same bounds as an app's developer_id (api/schemas/register_app.json).
    if (developer_id.size() > 128 ||
        std::ranges::any_of(developer_id, [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
      return http::problem(400, "invalid request", "not a developer id",
                           {{"developer_id", "1 to 128 characters, no control characters"}});
    }
    auto issued = deps.access.issue(domain::access::TokenKind::developer, developer_id, "",
                                    "marketplace", token_command_context(request, caller));
    if (const auto* failed = std::get_if<commands::CommandOutcome>(&issued)) {
      return respond(*failed, {});
    }
    return http::json(201, developer_token_json(
                               developer_id, std::get<commands::access::IssuedToken>(issued), ""));
  };
}

}  // namespace switchboard::api::routes::marketplace
