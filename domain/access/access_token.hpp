#pragma once

#include <string>
#include <string_view>

#include "domain/decision.hpp"

namespace switchboard::domain::access {

// A bearer token: 256 random bits shown once, stored as its SHA-256. Kinds:
//   service   (role marketplace or admin): the internal and admin APIs
//   developer (subject: developer id): one developer's apps, configurations and tokens
//   user      (subject: "<tenant_id>/<user_id>"): one CRM user of one tenant, the CRM API
//   client    a provider's client token: chosen by the provider and activated by a tenant
//             (domain/messaging), never issued here; it authenticates as one tenant x provider
enum class TokenKind { service, developer, user, client };

std::string_view to_string(TokenKind kind);
// The kind named by to_string; service for anything else.
TokenKind token_kind(std::string_view name);

struct AccessToken {
  struct State {
    bool issued = false;
    bool revoked = false;
    TokenKind kind = TokenKind::service;
    std::string subject;
    std::string role;
  };
  static constexpr std::string_view category = "token";
  static void apply(State& s, std::string_view type, std::string_view data);
};

struct IssueToken {
  std::string token_id;
  TokenKind kind = TokenKind::service;
  std::string subject;  // developer id; empty for service tokens
  std::string role;     // marketplace | admin for service tokens; empty otherwise
  std::string sha256;   // of the secret; the secret itself is never stored
  std::string label;
};
Decision decide(const AccessToken::State& s, const IssueToken& c);

struct RevokeToken {
  std::string reason;
};
Decision decide(const AccessToken::State& s, const RevokeToken& c);

}  // namespace switchboard::domain::access
