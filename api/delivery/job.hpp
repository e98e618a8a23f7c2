#pragma once

// A unit of outbound work (docs/messaging.md, "Delivery to providers"), as the DeliveryReactor
// publishes it:
//   {"job_id", "kind", "tenant_id", "provider_code", "lane", "created_at",
//    "body": {what the provider endpoint gets; absent for sync_accounts, remove_webhook and
//             remove_app},
//    and per kind: sync_accounts {"app_id", "token_sha256", "has_history", "activation" (a number;
//                                 absent in jobs of activations recorded before it was)},
//                  set_webhook, remove_webhook, app_disabled {"token_sha256"},
//                  remove_webhook of a replaced token {"token_sha256" (the old token),
//                                                      "replaced_by" (the new one)},
//                  remove_app {"app_id", "reason"}}
// A notice_push job (projections/provider_platform/notice_push_reactor.hpp) is no tenant's: it
// has no "tenant_id" and carries {"developer_id", "notice_id", "change_event_id", "body": what
// the developer's notice webhook gets}; its lane is "notices/<developer_id>".

#include <rapidjson/document.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace switchboard::api::delivery {

namespace kinds {
inline constexpr std::string_view sync_accounts = "sync_accounts";
inline constexpr std::string_view send_message = "send_message";
inline constexpr std::string_view update_message_text = "update_message_text";
inline constexpr std::string_view update_message_status = "update_message_status";
inline constexpr std::string_view read_chat = "read_chat";
inline constexpr std::string_view set_webhook = "set_webhook";
inline constexpr std::string_view remove_webhook = "remove_webhook";
inline constexpr std::string_view app_disabled = "app_disabled";
inline constexpr std::string_view remove_app = "remove_app";
inline constexpr std::string_view notice_push = "notice_push";
}  // namespace kinds

// Whom a kind's calls go to: that decides how the target is found and the request
// authenticated, and whose records a failure joins.
enum class Recipient {
  // A tenant's connection to the provider (the job names the tenant): the bound configuration's
  // endpoint, called with the connection's client token.
  connection,
  // A provider's developer (the job is no tenant's): the developer's notice webhook, the request
  // signed with its secret.
  developer,
};

// Which DeliveryOutcomes record the end of a job (api/delivery/outcomes.hpp).
enum class Outcome {
  message,   // not_sent when given up
  delivery,  // send_message: not_sent when given up, delivered when answered
  sync,      // sync_ended
  push,      // notice_pushed when answered or given up
  removal,   // remove_app: no call, remove_app records it all
};

// What the delivery worker does with a job of one kind besides calling its endpoint
// (targets.hpp, endpoint_of).
struct KindTraits {
  Recipient recipient = Recipient::connection;
  Outcome outcome = Outcome::message;
  // The reason a job is given up for when its recipient went away after it was queued
  // (Gate::give_up).
  std::string_view recipient_gone = "connection_deactivated";
  // What a job given up did not do, as the logs say it ("<not_done>: <reason>").
  std::string_view not_done = "not sent";
};
KindTraits traits_of(std::string_view kind);

// The calls that tell a provider about a deactivation (remove_webhook, then app_disabled): they
// go to the connection that has just become inactive, and wait longer for a provider that is down
// (so does remove_webhook for a replaced token: it is the same kind of word).
bool deactivation_notice(std::string_view kind);

struct Job {
  std::string job_id;
  std::string kind;
  std::string tenant_id;
  std::string provider_code;
  std::string lane;
  std::string created_at;  // ISO 8601, as recorded
  std::chrono::system_clock::time_point created;
  KindTraits traits;  // of `kind`
  // The whole job; body() and field() read from it.
  rapidjson::Document document;

  // The provider endpoint's request body; "{}" when the kind has none.
  std::string body_json() const;
  const rapidjson::Value* body() const;
  // A string from the job's top level or, failing that, its body ("" when absent).
  std::string field(const char* name) const;
  bool flag(const char* name) const;
  // An integer from the job's top level (0 when absent).
  std::int64_t number(const char* name) const;
};

// remove_webhook for a token replaced on an active connection: it goes with that old token,
// which the connection (and its read model) no longer has.
bool replaced_token_notice(const Job& job);

// nullopt when the text is not a job (not JSON, or a required field missing).
std::optional<Job> parse_job(std::string_view json);

// "2024-05-01T10:00:00.123456Z" or with an offset ("+03:00"); nullopt when unreadable.
std::optional<std::chrono::system_clock::time_point> parse_timestamp(std::string_view iso);

}  // namespace switchboard::api::delivery
