#include "api/auth/authenticator.hpp"

#include <algorithm>
#include <pqxx/pqxx>

#include "commands/access/access_commands.hpp"
#include "eventstore/connection_pool.hpp"
#include "projections/checkpoint.hpp"

namespace switchboard::api::auth {
namespace {

// The projection of messaging_connections, the read model client tokens are checked against.
constexpr std::string_view messaging_projection = "messaging";

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
  const auto secret = header ? http::bearer_token(*header) : std::nullopt;
  if (!secret) return unauthorized("send Authorization: Bearer <token>");
  const auto hash = commands::access::token_sha256(*secret);
  if (retired(hash)) return unauthorized("the token is unknown, revoked or deactivated");
  const auto stamp = watch_.stamp(cache::ReadModelWatch::revoked_tokens, hash);
  if (auto known = remembered_.find(hash, stamp)) return *known;
  const auto rows = read_models_.with_connection([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    return tx.exec_params(
        "SELECT kind, subject, role, token_id::text FROM access_tokens"
        " WHERE token_sha256 = $1 AND active"
        " UNION ALL SELECT 'client', tenant_id || '/' || provider_code, '', ''"
        " FROM messaging_connections WHERE token_sha256 = $1 AND active LIMIT 1",
        hash);
  });
  if (rows.empty()) return unauthorized("the token is unknown, revoked or deactivated");
  Principal p;
  p.kind = domain::access::token_kind(rows[0][0].c_str());
  p.subject = rows[0][1].c_str();
  p.role = rows[0][2].c_str();
  p.token_id = rows[0][3].c_str();
  if (p.kind == domain::access::TokenKind::user || p.kind == domain::access::TokenKind::client) {
    const auto slash = p.subject.find('/');
    p.tenant = p.subject.substr(0, slash);
    (p.kind == domain::access::TokenKind::user ? p.user : p.provider) =
        slash == std::string::npos ? std::string() : p.subject.substr(slash + 1);
  }
  if (p.kind == domain::access::TokenKind::user || p.kind == domain::access::TokenKind::client) {
    remembered_.store(hash, stamp, std::make_shared<const Principal>(p));
  }
  return p;
}

void Authenticator::forget(std::string_view token_sha256, std::int64_t position) const {
  watch_.changed(cache::ReadModelWatch::revoked_tokens, token_sha256);
  // The read model is right from the moment the projection has applied the event; until then it
  // still shows the token active, and only this node knows better.
  if (messaging_applied(position)) return;
  std::lock_guard lock(retired_mutex_);
  if (retired_.insert_or_assign(std::string(token_sha256), position).second) {
    // Raised before forget() returns, so before the answer that follows it goes out: a request
    // sent after that answer finds the count raised and takes the lock.
    retired_count_.fetch_add(1, std::memory_order_release);
  }
}

bool Authenticator::retired(const std::string& token_sha256) const {
  if (retired_count_.load(std::memory_order_acquire) == 0) return false;
  std::int64_t position = 0;
  {
    std::lock_guard lock(retired_mutex_);
    const auto it = retired_.find(token_sha256);
    if (it == retired_.end()) return false;
    position = it->second;
  }
  if (!messaging_applied(position)) return true;
  // From now on the read model decides (the token may even have been activated again since).
  std::lock_guard lock(retired_mutex_);
  if (const auto it = retired_.find(token_sha256); it != retired_.end() && it->second == position) {
    retired_.erase(it);
    retired_count_.fetch_sub(1, std::memory_order_release);
  }
  return false;
}

bool Authenticator::messaging_applied(std::int64_t position) const {
  try {
    return projections::wait_applied(read_models_, std::string(messaging_projection), position,
                                     std::chrono::milliseconds::zero());
  } catch (const std::exception&) {
    // Cannot tell: the token stays refused, as it would be once the projection caught up.
    return false;
  }
}

Credential Authenticator::service_token(std::vector<std::string> roles) const {
  return {[this, roles = std::move(roles)](const http::Request& request) -> Authenticated {
            auto result = authenticate(request);
            if (auto* p = std::get_if<Principal>(&result)) {
              if (p->kind != domain::access::TokenKind::service ||
                  std::find(roles.begin(), roles.end(), p->role) == roles.end()) {
                return forbidden("this endpoint needs a service token with another role");
              }
            }
            return result;
          },
          {}};
}

Credential Authenticator::of_kind(domain::access::TokenKind kind, const char* refusal) const {
  return {[this, kind, refusal](const http::Request& request) -> Authenticated {
            auto result = authenticate(request);
            if (auto* p = std::get_if<Principal>(&result); p != nullptr && p->kind != kind) {
              return forbidden(refusal);
            }
            return result;
          },
          {}};
}

Credential Authenticator::developer_token() const {
  return of_kind(domain::access::TokenKind::developer, "this endpoint needs a developer token");
}

Credential Authenticator::user_token() const {
  return of_kind(domain::access::TokenKind::user, "this endpoint needs a CRM user's token");
}

Credential Authenticator::client_token() const {
  return of_kind(domain::access::TokenKind::client,
                 "this endpoint needs a provider's client token");
}

}  // namespace switchboard::api::auth
