#pragma once

// Where and with which token a job is sent, from the read models: the tenant's binding
// (tenant_bindings) -> the bound configuration version's endpoint URL (provider_configurations),
// and the connection (messaging_connections) for the client token.
//
// Read models follow the log a little behind the delivery queue, so the connection row may not
// show yet what the job's event did. The row's times tell a lagging read model (wait a moment)
// from a connection that really changed after the job (drop the job: never call again).

#include <string>
#include <string_view>

#include "api/crypto/sealed_box.hpp"
#include "api/delivery/job.hpp"

namespace switchboard::eventstore {
class ConnectionPool;
}

namespace switchboard::api::delivery {

// The connection row as seen against one job.
struct ConnectionView {
  bool exists = false;
  bool active = false;
  std::string token_sha256;
  bool activated_before_job = false;  // activated_at <= the job's created_at
  bool updated_since_job = false;     // updated_at >= the job's created_at
  // From the log, and only for work of an active connection activated after the job: whether it
  // was deactivated since (else its token was replaced).
  bool deactivated_since_job = false;
};

enum class Gate {
  call,  // send it
  wait,  // the read model has not caught up (or is unreadable): try again shortly
  drop,  // the connection is gone (or the job's token replaced): never call for this job
  // Chat work (a CRM user's message, edit or read) of a connection deactivated, or of an app
  // removed, since it was queued: never call, and end it like an expired job (a message is marked
  // not sent, its author told, the error logged) instead of leaving it pending for good.
  give_up,
};

// The rules of docs/messaging.md: a connection that is no longer active (or was deactivated and
// activated again since the job) is never called again, except for the deactivation notice
// (remove_webhook, app_disabled), which uses the (now inactive) connection's token. Chat work
// goes on with the new token when the token was replaced on an active connection. Jobs made by an
// activation (sync_accounts, set_webhook) name their token and go only while the connection still
// has it. remove_webhook for a replaced token always goes: it is about that token alone, whatever
// the connection did since. Chat work that may no longer go is given up rather than dropped.
// `bound`: the tenant's binding to the provider is active.
Gate gate(const Job& job, const ConnectionView& connection, bool bound, std::string& why);

struct Target {
  Gate gate = Gate::wait;
  std::string why;          // for drop and wait
  std::string url;          // the job's endpoint
  std::string history_url;  // message_history, "" when not configured
  std::string token;        // the client token the job names, unsealed
};

class TargetResolver {
 public:
  TargetResolver(eventstore::ConnectionPool& pool, const crypto::Key& key)
      : pool_(pool), key_(key) {}

  // The job's recipient's (job.traits.recipient). Throws what libpqxx throws when PostgreSQL
  // cannot answer.
  Target resolve(const Job& job, std::string_view endpoint);

 private:
  // A connection's: the bound configuration's `endpoint`, the client token the job names.
  Target connection_endpoint(const Job& job, std::string_view endpoint);
  // A developer's: the notice webhook as it is now (a replaced one's URL), its signing secret
  // unsealed in `token`. give_up once the webhook was removed (it was there when the job was
  // queued, so the read model is not behind); wait while the secret cannot be unsealed.
  Target notice_webhook(const Job& job);
  // Into t.token; else t waits, saying why.
  void unseal(Target& t, const std::string& sealed, std::string_view what) const;

  eventstore::ConnectionPool& pool_;
  const crypto::Key& key_;
};

// One provider endpoint Switchboard calls: the job kind that calls it and the HTTP method.
struct EndpointCall {
  std::string_view kind;
  // The name in a configuration's `endpoints`; "notice_webhook" for the webhook a developer
  // registers (api/routes/developer), which no configuration names.
  std::string_view endpoint;
  std::string_view method;
};

// Every call Switchboard makes to providers: the contract that docs/openapi.yaml's `webhooks`
// describes (tests/e2e/openapi_routes_test.cpp holds the two together). sync_accounts calls
// list_accounts, then message_history page by page.
inline constexpr EndpointCall kEndpointCalls[] = {
    {kinds::sync_accounts, "list_accounts", "GET"},
    {kinds::sync_accounts, "message_history", "GET"},
    {kinds::send_message, "send_message", "POST"},
    {kinds::update_message_text, "update_message_text", "POST"},
    {kinds::update_message_status, "update_message_status", "POST"},
    {kinds::read_chat, "read_chat", "POST"},
    {kinds::set_webhook, "set_webhook", "POST"},
    {kinds::remove_webhook, "remove_webhook", "DELETE"},
    {kinds::app_disabled, "app_disabled", "POST"},
    {kinds::notice_push, "notice_webhook", "POST"}};

// The provider endpoint a kind calls first and its HTTP method (kEndpointCalls); endpoint "" for
// remove_app.
struct EndpointOf {
  std::string_view endpoint;
  std::string_view method;
};
EndpointOf endpoint_of(std::string_view kind);

}  // namespace switchboard::api::delivery
