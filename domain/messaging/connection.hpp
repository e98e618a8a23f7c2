#pragma once

// One tenant x one provider (docs/messaging.md, "Who is who"): made when the tenant activates
// the client token its provider gave it, undone when the token is deactivated or the app is
// disabled or removed. Holds the main account and one child account per channel. Stream
// "connection-<tenant_id>/<provider_code>".

#include <rapidjson/document.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "domain/decision.hpp"

namespace switchboard::domain::messaging {

// The account every active connection has; providers cannot use the id for a channel.
inline constexpr std::string_view kMainAccount = "main";
inline constexpr std::size_t kMaxAccountIdLength = 128;

inline constexpr std::string_view kDeactivationReasons[] = {"deactivated", "app_disabled",
                                                            "app_removed"};

// Why an activation's account sync failed: the delivery worker's reasons for giving up on its job
// (the provider refused list_accounts or message_history, it did not answer within the expiry,
// its endpoint is plain http off loopback), or what ended the activation before the sync did.
inline constexpr std::string_view kSyncFailureReasons[] = {
    "rejected", "expired", "insecure_endpoint", "connection_deactivated", "token_replaced"};
// The reasons the connection records itself, when the activation ends before its sync does.
inline constexpr std::string_view kSyncEndedByActivation[] = {"connection_deactivated",
                                                              "token_replaced"};

// What an account sync brought: the channel accounts the provider listed and were connected, the
// chats the history import recorded messages in.
struct SyncCounts {
  std::int64_t accounts = 0;
  std::int64_t chats = 0;
};

// The first-time sync an activation starts (docs/messaging.md, "Account sync"): the provider's
// channels listed, its history imported. Every activation recorded with a number ends with one
// outcome, AccountSyncCompleted or AccountSyncFailed.
struct AccountSync {
  enum class Status { unknown, syncing, synced, failed };
  // unknown: the activation predates sync outcomes (nothing will say how its sync went).
  Status status = Status::unknown;
  std::int64_t activation = 0;  // the activation the sync belongs to
  // Once ended, unless its activation's end failed it (sync_counts).
  std::optional<SyncCounts> counts;
  std::string reason;  // one of kSyncFailureReasons when failed
  std::string detail;
};
std::string_view status_name(AccountSync::Status status);

// The counts of an AccountSyncCompleted or AccountSyncFailed event, from its data. None for a sync
// its activation's end failed (kSyncEndedByActivation): how far the worker had got is not known
// to the connection. Such events recorded before this rule carry 0s, which are no counts either.
std::optional<SyncCounts> sync_counts(const rapidjson::Value& data);

struct Account {
  std::string channel_code;
  std::string name;
  bool main = false;
  bool active = false;
};

struct Connection {
  struct State {
    bool active = false;
    // Known from the first activation on: every event of the stream carries them.
    std::string tenant_id;
    std::string provider_code;
    std::string app_id;
    std::string token_sha256;
    bool has_history = false;
    // Activations so far: each ClientTokenActivated has the next number.
    std::int64_t activations = 0;
    AccountSync sync;
    std::map<std::string, Account> accounts;  // by account id; disconnected ones stay, inactive
  };
  static constexpr std::string_view category = "connection";
  static std::string id(std::string_view tenant_id, std::string_view provider_code) {
    return std::string(tenant_id) + "/" + std::string(provider_code);
  }
  static void apply(State& s, std::string_view type, std::string_view data);
};

struct ActivateToken {
  std::string tenant_id;
  std::string provider_code;
  std::string app_id;
  std::string token_sha256;  // lower-case hex: how the provider is authenticated
  std::string token_sealed;  // base64 of the AES-256-GCM sealed token: how it is called
  bool has_history = false;  // the bound configuration has a message_history endpoint
};
struct DeactivateToken {
  std::string reason;  // one of kDeactivationReasons
};
struct ConnectAccount {
  std::string account_id;
  std::string channel_code;
  std::string name;
};
struct DisconnectAccount {
  std::string account_id;
};
// How the sync of activation `activation` ended: completed when `reason` is empty, else failed
// (one of kSyncFailureReasons; `detail` says what the provider did). Recorded once: an outcome
// for a sync already ended, or for an activation a newer one replaced, records nothing. The
// counts are recorded unless `reason` is one of kSyncEndedByActivation.
struct RecordAccountSync {
  std::int64_t activation = 0;
  std::int64_t accounts = 0;
  std::int64_t chats = 0;
  std::string reason;
  std::string detail;
};

// Lower-case hex SHA-256: what a client token is known by.
bool valid_sha256_hex(std::string_view s);

// The SHA-256 of the client token an event of the stream retires: a deactivation's token, or the
// token an activation replaced. Every node refuses it from then on (api/auth); nothing for other
// events or a first activation.
std::optional<std::string> retired_token_sha256(std::string_view event_type,
                                                const rapidjson::Value& data);

Decision decide(const Connection::State& s, const ActivateToken& c);
Decision decide(const Connection::State& s, const DeactivateToken& c);
Decision decide(const Connection::State& s, const ConnectAccount& c);
Decision decide(const Connection::State& s, const DisconnectAccount& c);
Decision decide(const Connection::State& s, const RecordAccountSync& c);

}  // namespace switchboard::domain::messaging
