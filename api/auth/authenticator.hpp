#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

#include "api/http/types.hpp"
#include "domain/access/access_token.hpp"

namespace switchboard::eventstore {
class ConnectionPool;
}

namespace switchboard::api::auth {

struct Principal {
  domain::access::TokenKind kind = domain::access::TokenKind::service;
  std::string subject;  // developer id for developer tokens
  std::string role;     // marketplace | admin for service tokens
  std::string token_id;

  // "service:admin", "developer:dev-7": the actor recorded in event metadata.
  std::string actor() const;
};

// Either who is calling, or the problem response to send instead (401 or 403).
using Authenticated = std::variant<Principal, http::Response>;

// Bearer tokens (Authorization: Bearer <secret>) checked against the access_tokens read model by
// SHA-256; revoked and unknown tokens are the same 401.
class Authenticator {
 public:
  explicit Authenticator(eventstore::ConnectionPool& read_models) : read_models_(read_models) {}

  Authenticated authenticate(const http::Request& request) const;
  // A service token with one of `roles`, else 403.
  Authenticated service(const http::Request& request,
                        std::initializer_list<std::string_view> roles) const;
  // A developer token, else 403.
  Authenticated developer(const http::Request& request) const;

 private:
  eventstore::ConnectionPool& read_models_;
};

}  // namespace switchboard::api::auth
