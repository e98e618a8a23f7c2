#include "domain/messaging/client_token_claim.hpp"

#include "domain/json.hpp"

namespace switchboard::domain::messaging {

void ClientTokenClaim::apply(State& s, std::string_view type, std::string_view data) {
  if (type != "ClientTokenClaimed") return;
  const auto d = parse(data);
  s.tenant_id = text(d, "tenant_id");
  s.provider_code = text(d, "provider_code");
}

Decision decide(const ClientTokenClaim::State& s, const ClaimClientToken& c) {
  if (s.tenant_id == c.tenant_id && s.provider_code == c.provider_code) {
    return std::vector<NewEvent>{};
  }
  if (!s.tenant_id.empty()) {
    return reject(Rejection::Kind::conflict, "this token is already used by another connection",
                  "token");
  }
  return std::vector<NewEvent>{{"ClientTokenClaimed", json_object([&](JsonWriter& w) {
                                  put(w, "tenant_id", c.tenant_id);
                                  put(w, "provider_code", c.provider_code);
                                })}};
}

}  // namespace switchboard::domain::messaging
