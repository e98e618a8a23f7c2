#include "domain/messaging/connection.hpp"

#include <algorithm>

#include "domain/json.hpp"
#include "domain/messaging/message_body.hpp"

namespace switchboard::domain::messaging {
namespace {

using Kind = Rejection::Kind;

void write_keys(JsonWriter& w, std::string_view tenant_id, std::string_view provider_code) {
  put(w, "tenant_id", tenant_id);
  put(w, "provider_code", provider_code);
}

NewEvent account_connected(std::string_view tenant_id, std::string_view provider_code,
                           std::string_view account_id, const Account& a) {
  return {"AccountConnected", json_object([&](JsonWriter& w) {
            write_keys(w, tenant_id, provider_code);
            put(w, "account_id", account_id);
            put(w, "channel_code", a.channel_code);
            put(w, "name", a.name);
            put(w, "main", a.main);
          })};
}

NewEvent account_disconnected(const Connection::State& s, std::string_view account_id) {
  return {"AccountDisconnected", json_object([&](JsonWriter& w) {
            write_keys(w, s.tenant_id, s.provider_code);
            put(w, "account_id", account_id);
          })};
}

bool ended_by_activation(std::string_view reason) {
  return std::ranges::find(kSyncEndedByActivation, reason) != std::end(kSyncEndedByActivation);
}

NewEvent sync_ended(const Connection::State& s, const RecordAccountSync& c) {
  return {c.reason.empty() ? "AccountSyncCompleted" : "AccountSyncFailed",
          json_object([&](JsonWriter& w) {
            write_keys(w, s.tenant_id, s.provider_code);
            put(w, "activation", c.activation);
            if (!ended_by_activation(c.reason)) {
              put(w, "accounts", c.accounts);
              put(w, "chats", c.chats);
            }
            if (!c.reason.empty()) {
              put(w, "reason", c.reason);
              put(w, "detail", c.detail);
            }
          })};
}

// The running sync cannot finish once its activation is over: it fails for `reason` (one of
// kSyncEndedByActivation: no counts).
void end_running_sync(const Connection::State& s, std::string_view reason,
                      std::vector<NewEvent>& events) {
  if (s.sync.status != AccountSync::Status::syncing) return;
  events.push_back(sync_ended(s, {s.sync.activation, 0, 0, std::string(reason), {}}));
}

}  // namespace

std::string_view status_name(AccountSync::Status status) {
  switch (status) {
    case AccountSync::Status::syncing:
      return "syncing";
    case AccountSync::Status::synced:
      return "synced";
    case AccountSync::Status::failed:
      return "failed";
    case AccountSync::Status::unknown:
      break;
  }
  return "unknown";
}

std::optional<SyncCounts> sync_counts(const rapidjson::Value& data) {
  if (ended_by_activation(text(data, "reason"))) return std::nullopt;
  return SyncCounts{number(data, "accounts"), number(data, "chats")};
}

bool valid_sha256_hex(std::string_view s) {
  return s.size() == 64 && std::ranges::all_of(s, [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::optional<std::string> retired_token_sha256(std::string_view event_type,
                                                const rapidjson::Value& data) {
  const char* field = event_type == "ClientTokenDeactivated" ? "token_sha256"
                      : event_type == "ClientTokenActivated" ? "replaced_token_sha256"
                                                             : nullptr;
  if (field == nullptr) return std::nullopt;
  auto hash = text(data, field);
  if (hash.empty()) return std::nullopt;
  return hash;
}

void Connection::apply(State& s, std::string_view type, std::string_view data) {
  const auto d = parse(data);
  if (type == "ClientTokenActivated") {
    s.active = true;
    s.tenant_id = text(d, "tenant_id");
    s.provider_code = text(d, "provider_code");
    s.app_id = text(d, "app_id");
    s.token_sha256 = text(d, "token_sha256");
    s.has_history = flag(d, "has_history");
    ++s.activations;
    // Activations recorded before sync outcomes were carry no number: nothing ends their sync.
    s.sync = d.HasMember("activation")
                 ? AccountSync{AccountSync::Status::syncing, number(d, "activation"), {}, {}, {}}
                 : AccountSync{};
  } else if (type == "AccountSyncCompleted" || type == "AccountSyncFailed") {
    s.sync = {
        type == "AccountSyncCompleted" ? AccountSync::Status::synced : AccountSync::Status::failed,
        number(d, "activation"), sync_counts(d), text(d, "reason"), text(d, "detail")};
  } else if (type == "ClientTokenDeactivated") {
    s.active = false;
  } else if (type == "AccountConnected") {
    s.accounts[text(d, "account_id")] = {text(d, "channel_code"), text(d, "name"), flag(d, "main"),
                                         true};
  } else if (type == "AccountDisconnected") {
    s.accounts[text(d, "account_id")].active = false;
  }
}

Decision decide(const Connection::State& s, const ActivateToken& c) {
  std::vector<FieldProblem> problems;
  if (!valid_id(c.tenant_id)) problems.push_back({"tenant_id", "is required"});
  if (!valid_id(c.provider_code, 64)) problems.push_back({"provider_code", "is required"});
  if (!valid_id(c.app_id)) problems.push_back({"app_id", "is required"});
  if (!valid_sha256_hex(c.token_sha256)) {
    problems.push_back({"token", "the token's SHA-256 must be 64 lower-case hex digits"});
  }
  if (c.token_sealed.empty()) problems.push_back({"token", "the sealed token is missing"});
  if (!problems.empty()) return reject(Kind::invalid, "invalid client token activation", problems);
  const bool same_token = s.active && s.token_sha256 == c.token_sha256;
  // The same token again is a no-op, unless its sync failed: activating it again is how the
  // tenant retries the sync (a new activation, synced anew).
  if (same_token && s.sync.status != AccountSync::Status::failed) return std::vector<NewEvent>{};

  std::vector<NewEvent> events;
  if (s.active) end_running_sync(s, "token_replaced", events);
  events.push_back({"ClientTokenActivated", json_object([&](JsonWriter& w) {
                      write_keys(w, c.tenant_id, c.provider_code);
                      put(w, "app_id", c.app_id);
                      put(w, "token_sha256", c.token_sha256);
                      put(w, "token_sealed", c.token_sealed);
                      put(w, "has_history", c.has_history);
                      put(w, "activation", s.activations + 1);
                      // The provider is told the old token is dead (its webhook removed, with
                      // that token) before the new one is set up.
                      if (s.active && !same_token) {
                        put(w, "replaced_token_sha256", s.token_sha256);
                      }
                    })});
  // Replacing the token of an active connection keeps its accounts: only the credentials change.
  // The main account has no channel of its own to report, so it shows the provider's code (a
  // single-channel provider is usually named after its channel).
  if (!s.active) {
    events.push_back(account_connected(c.tenant_id, c.provider_code, kMainAccount,
                                       {c.provider_code, "", true, true}));
  }
  return events;
}

Decision decide(const Connection::State& s, const DeactivateToken& c) {
  if (std::ranges::find(kDeactivationReasons, c.reason) == std::end(kDeactivationReasons)) {
    return reject(Kind::invalid, "must be 'deactivated', 'app_disabled' or 'app_removed'",
                  "reason");
  }
  if (!s.active) return std::vector<NewEvent>{};
  std::vector<NewEvent> events;
  end_running_sync(s, "connection_deactivated", events);
  events.push_back({"ClientTokenDeactivated", json_object([&](JsonWriter& w) {
                      write_keys(w, s.tenant_id, s.provider_code);
                      put(w, "token_sha256", s.token_sha256);
                      put(w, "reason", c.reason);
                    })});
  for (const auto& [account_id, account] : s.accounts) {
    if (account.active) events.push_back(account_disconnected(s, account_id));
  }
  return events;
}

Decision decide(const Connection::State& s, const ConnectAccount& c) {
  if (!valid_id(c.account_id, kMaxAccountIdLength)) {
    return reject(Kind::invalid, "1 to 128 bytes of UTF-8 without control characters",
                  "account_id");
  }
  if (c.account_id == kMainAccount) {
    return reject(Kind::invalid, "'main' is the connection's own account", "account_id");
  }
  if (!valid_id(c.channel_code, 64)) {
    return reject(Kind::invalid, "1 to 64 bytes of UTF-8 without control characters",
                  "channel_code");
  }
  if (!valid_id(c.name, 1024) && !c.name.empty()) {
    return reject(Kind::invalid, "at most 1024 bytes of UTF-8 without control characters", "name");
  }
  if (!s.active) {
    return reject(Kind::forbidden,
                  "the connection is not active: the tenant has to activate the "
                  "client token first");
  }
  if (const auto it = s.accounts.find(c.account_id); it != s.accounts.end()) {
    const auto& a = it->second;
    if (a.active && a.channel_code == c.channel_code && a.name == c.name) {
      return std::vector<NewEvent>{};
    }
  }
  return std::vector<NewEvent>{account_connected(s.tenant_id, s.provider_code, c.account_id,
                                                 {c.channel_code, c.name, false, true})};
}

Decision decide(const Connection::State& s, const DisconnectAccount& c) {
  if (c.account_id == kMainAccount) {
    return reject(Kind::invalid,
                  "the main account goes only with the connection: deactivate the client token",
                  "account_id");
  }
  const auto it = s.accounts.find(c.account_id);
  if (it == s.accounts.end()) return reject(Kind::not_found, "no such account", "account_id");
  if (!it->second.active) return std::vector<NewEvent>{};
  return std::vector<NewEvent>{account_disconnected(s, c.account_id)};
}

Decision decide(const Connection::State& s, const RecordAccountSync& c) {
  if (c.activation < 1)
    return reject(Kind::invalid, "an activation's number, from 1", "activation");
  if (c.accounts < 0) return reject(Kind::invalid, "a count, from 0", "accounts");
  if (c.chats < 0) return reject(Kind::invalid, "a count, from 0", "chats");
  if (!c.reason.empty() &&
      std::ranges::find(kSyncFailureReasons, c.reason) == std::end(kSyncFailureReasons)) {
    return reject(Kind::invalid, "not a reason an account sync fails for", "reason");
  }
  // Ended already (a job run again after a crash), or an older activation's job finishing late
  // (the newer activation has a sync of its own): nothing to record.
  if (s.sync.status != AccountSync::Status::syncing || s.sync.activation != c.activation) {
    return std::vector<NewEvent>{};
  }
  return std::vector<NewEvent>{sync_ended(s, c)};
}

}  // namespace switchboard::domain::messaging
