#include "api/routes/token_response.hpp"

#include "api/routes/command_response.hpp"
#include "domain/json.hpp"

namespace switchboard::api::routes {

commands::CommandContext token_command_context(const http::Request& request,
                                               const auth::Principal& principal) {
  auto context = command_context(request, principal);
  context.idempotency_key.reset();
  return context;
}

std::string developer_token_json(const std::string& developer_id,
                                 const commands::access::IssuedToken& token,
                                 const std::string& revoked_token_id) {
  return domain::json_object([&](domain::JsonWriter& w) {
    domain::put(w, "developer_id", developer_id);
    domain::put(w, "token_id", token.token_id);
    domain::put(w, "token", token.secret);
    w.Key("revoked_token_id");
    if (revoked_token_id.empty()) {
      w.Null();
    } else {
      w.String(revoked_token_id.c_str());
    }
  });
}

}  // namespace switchboard::api::routes
