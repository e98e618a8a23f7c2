#include "api/auth/authenticator.hpp"

#include <algorithm>
#include <pqxx/pqxx>

#include "commands/access/access_commands.hpp"
#include "eventstore/connection_pool.hpp"

namespace switchboard::api::auth {
namespace {

http::Response unauthorized(std::string detail) {
  auto r = http::problem(401, "unauthorized", std::move(detail),
                         {{"Authorization", "a valid bearer token is required"}});
  r.headers.emplace_back("WWW-Authenticate", "Bearer");
  return r;
}

http::Response forbidden(std::string detail) {
  return http::problem(403, "forbidden", std::move(detail),
                       {{"Authorization", "this token may not call this endpoint"}});
}

}  // namespace

std::string Principal::actor() const {
  return std::string(domain::access::to_string(kind)) + ":" +
         (kind == domain::access::TokenKind::service ? role : subject);
}

Authenticated Authenticator::authenticate(const http::Request& request) const {
  const auto header = request.header("Authorization");
  constexpr std::string_view scheme = "Bearer ";
  if (!header || header->size() <= scheme.size() ||
      !http::iequals(header->substr(0, scheme.size()), scheme)) {
    return unauthorized("send Authorization: Bearer <token>");
  }
  const auto secret = header->substr(scheme.size());
  const auto hash = commands::access::token_sha256(secret);
  const auto rows = read_models_.with_connection([&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    return tx.exec_params(
        "SELECT kind, subject, role, token_id::text FROM access_tokens"
        " WHERE token_sha256 = $1 AND active",
        hash);
  });
  if (rows.empty()) return unauthorized("the token is unknown or revoked");
  Principal p;
  p.kind = rows[0][0].c_str() == std::string_view("developer")
               ? domain::access::TokenKind::developer
               : domain::access::TokenKind::service;
  p.subject = rows[0][1].c_str();
  p.role = rows[0][2].c_str();
  p.token_id = rows[0][3].c_str();
  return p;
}

Authenticated Authenticator::service(const http::Request& request,
                                     std::initializer_list<std::string_view> roles) const {
  auto result = authenticate(request);
  if (auto* p = std::get_if<Principal>(&result)) {
    if (p->kind != domain::access::TokenKind::service ||
        std::find(roles.begin(), roles.end(), p->role) == roles.end()) {
      return forbidden("this endpoint needs a service token with another role");
    }
  }
  return result;
}

Authenticated Authenticator::developer(const http::Request& request) const {
  auto result = authenticate(request);
  if (auto* p = std::get_if<Principal>(&result)) {
    if (p->kind != domain::access::TokenKind::developer) {
      return forbidden("this endpoint needs a developer token");
    }
  }
  return result;
}

}  // namespace switchboard::api::auth
