#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "api/cache/read_model_watch.hpp"
#include "api/cache/stamped_cache.hpp"
#include "api/http/router.hpp"
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

// What a token route declares its callers present; the server checks it before the body.
using Credential = http::Credential<Principal>;

// Bearer tokens (Authorization: Bearer <secret>) checked by SHA-256 against the access_tokens
// read model and the active messaging connections (client tokens); revoked, deactivated and
// unknown tokens are the same 401, a valid token of another kind (or role) is a 403. CRM users'
// tokens (polled with every few seconds by every user) and providers' client tokens (one request
// per inbound message) are remembered until the watch hears of their revocation, deactivation or
// replacement; service and developer tokens are read each time.
class Authenticator {
 public:
  Authenticator(eventstore::ConnectionPool& read_models, cache::ReadModelWatch& watch)
      : read_models_(read_models), watch_(watch) {}

  // The client token with this SHA-256 stopped being valid by the event at `position` (of the
  // messaging projection's log), recorded by a command this node is answering: no request on
  // this node may pass with it from now on, even while the projection, lagging behind, still
  // shows it active (other nodes follow when the projection has applied the event).
  void forget(std::string_view token_sha256, std::int64_t position) const;

  // Route credentials. The authenticator must outlive the routes.
  // A service token with one of `roles`.
  Credential service_token(std::vector<std::string> roles) const;
  Credential developer_token() const;
  // A CRM user's token.
  Credential user_token() const;
  // A provider's client token activated by a tenant (an active messaging connection).
  Credential client_token() const;

 private:
  Authenticated authenticate(const http::Request& request) const;
  // Whether the token was forgotten at a position the messaging projection has not applied yet.
  bool retired(const std::string& token_sha256) const;
  bool messaging_applied(std::int64_t position) const;
  Credential of_kind(domain::access::TokenKind kind, const char* refusal) const;

  eventstore::ConnectionPool& read_models_;
  cache::ReadModelWatch& watch_;
  mutable cache::StampedCache<Principal> remembered_{200'000};  // by token hash
  // Forgotten tokens -> the position that retired them. An entry is made only when the projection
  // lags behind the answer (rare) and goes with the first request with the token once it has
  // caught up, so the map stays small without a sweep.
  mutable std::mutex retired_mutex_;
  mutable std::unordered_map<std::string, std::int64_t> retired_;
  // retired_.size(), readable without the lock: every request asks, the map is almost always
  // empty, and then the answer needs no lock.
  mutable std::atomic<std::size_t> retired_count_{0};
};

}  // namespace switchboard::api::auth
