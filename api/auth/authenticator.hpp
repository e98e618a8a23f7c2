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
  std::string subject;  // developer id; "<tenant>/<user>" (user); "<tenant>/<provider>" (client)
  std::string role;     // marketplace | admin for service tokens
  std::string token_id;
  // From the subject of user and client tokens: the one tenant they act in, and the user or the
  // provider they are.
  std::string tenant;
  std::string user;
  std::string provider;

  // "service:admin", "developer:dev-7": the actor recorded in event metadata.
  std::string actor() const;
};

// Either who is calling, or the problem response to send instead (401 or 403).
using Authenticated = std::variant<Principal, http::Response>;

// Bearer tokens (Authorization: Bearer <secret>) checked by SHA-256 against the access_tokens
// read model and the active messaging connections (client tokens); revoked, deactivated and
// unknown tokens are the same 401.
class Authenticator {
 public:
  explicit Authenticator(eventstore::ConnectionPool& read_models) : read_models_(read_models) {}

  Authenticated authenticate(const http::Request& request) const;
  // A service token with one of `roles`, else 403.
  Authenticated service(const http::Request& request,
                        std::initializer_list<std::string_view> roles) const;
  // A developer token, else 403.
  Authenticated developer(const http::Request& request) const;
  // A CRM user's token, else 403.
  Authenticated user(const http::Request& request) const;
  // A provider's client token activated by a tenant (an active messaging connection), else 403.
  Authenticated client(const http::Request& request) const;

 private:
  eventstore::ConnectionPool& read_models_;
};

}  // namespace switchboard::api::auth
