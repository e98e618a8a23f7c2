#include "domain/access/access_token.hpp"

#include "domain/json.hpp"

namespace switchboard::domain::access {

std::string_view to_string(TokenKind kind) {
  switch (kind) {
    case TokenKind::developer:
      return "developer";
    case TokenKind::user:
      return "user";
    case TokenKind::client:
      return "client";
    case TokenKind::service:
      break;
  }
  return "service";
}

TokenKind token_kind(std::string_view name) {
  for (auto kind : {TokenKind::developer, TokenKind::user, TokenKind::client}) {
    if (name == to_string(kind)) return kind;
  }
  return TokenKind::service;
}

void AccessToken::apply(State& s, std::string_view type, std::string_view data) {
  if (type == "TokenIssued") {
    const auto d = parse(data);
    s.issued = true;
    s.kind = token_kind(text(d, "kind"));
    s.subject = text(d, "subject");
    s.role = text(d, "role");
  } else if (type == "TokenRevoked") {
    s.revoked = true;
  }
}

Decision decide(const AccessToken::State& s, const IssueToken& c) {
  if (s.issued) return reject(Rejection::Kind::conflict, "token id already used", "token_id");
  if (c.kind == TokenKind::service && c.role != "marketplace" && c.role != "admin") {
    return reject(Rejection::Kind::invalid, "role must be marketplace or admin", "role");
  }
  if (c.kind == TokenKind::developer && c.subject.empty()) {
    return reject(Rejection::Kind::invalid, "a developer token names its developer", "subject");
  }
  if (c.kind == TokenKind::user) {
    const auto slash = c.subject.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == c.subject.size()) {
      return reject(Rejection::Kind::invalid, "a user token names \"<tenant_id>/<user_id>\"",
                    "subject");
    }
  }
  if (c.kind == TokenKind::client) {
    return reject(Rejection::Kind::invalid,
                  "client tokens come from providers and are activated by tenants", "kind");
  }
  return std::vector<NewEvent>{{"TokenIssued", json_object([&](JsonWriter& w) {
                                  put(w, "token_id", c.token_id);
                                  put(w, "kind", to_string(c.kind));
                                  put(w, "subject", c.subject);
                                  put(w, "role", c.role);
                                  put(w, "sha256", c.sha256);
                                  put(w, "label", c.label);
                                })}};
}

Decision decide(const AccessToken::State& s, const RevokeToken& c) {
  if (!s.issued) return reject(Rejection::Kind::not_found, "no such token", "token_id");
  if (s.revoked) return std::vector<NewEvent>{};
  return std::vector<NewEvent>{
      {"TokenRevoked", json_object([&](JsonWriter& w) { put(w, "reason", c.reason); })}};
}

}  // namespace switchboard::domain::access
