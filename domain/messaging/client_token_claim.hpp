#pragma once

// A client token belongs to one connection for good: activating it first claims it in stream
// "clienttoken-<sha256>", so two connections can never authenticate with the same token.

#include <string>
#include <string_view>

#include "domain/decision.hpp"

namespace switchboard::domain::messaging {

struct ClientTokenClaim {
  struct State {
    std::string tenant_id;  // empty while unclaimed
    std::string provider_code;
  };
  static constexpr std::string_view category = "clienttoken";
  static void apply(State& s, std::string_view type, std::string_view data);
};

struct ClaimClientToken {
  std::string tenant_id;
  std::string provider_code;
};
Decision decide(const ClientTokenClaim::State& s, const ClaimClientToken& c);

}  // namespace switchboard::domain::messaging
