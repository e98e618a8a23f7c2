#pragma once

#include <rapidjson/document.h>

#include <set>
#include <string>
#include <string_view>

#include "api/delivery/job.hpp"

namespace switchboard::api::delivery {

// What a sync_accounts job recorded so far, by id: sets, so a step recorded again (a retry after
// a store that could not record all of it) counts once.
struct SyncTally {
  std::set<std::string> accounts;  // the listed accounts connected
  std::set<std::string> chats;     // the chats imported history messages were recorded in
};

// Where the worker records what providers did (the command handlers, implemented by the
// server's wiring). Every method returns false when it could not record: the job is then kept,
// retried later and not acknowledged, so nothing is lost while PostgreSQL is away. They must be
// idempotent: after a crash the same job (same job_id) comes again.
class DeliveryOutcomes {
 public:
  virtual ~DeliveryOutcomes() = default;

  // send_message answered 2xx; `provider_message_id` from its answer ("" when it gave none).
  virtual bool delivered(const Job& job, const std::string& provider_message_id) = 0;
  // Given up: `reason` is "rejected" (a 4xx), "expired" (not done within the expiry),
  // "insecure_endpoint" (plain http off loopback: never called) or "connection_deactivated" (chat
  // work of a connection deactivated since: never called). Called for every kind except
  // remove_app and sync_accounts (sync_ended); only message kinds have a message to mark.
  virtual bool not_sent(const Job& job, std::string_view reason, std::string_view detail) = 0;
  // sync_accounts: the provider's list_accounts answer (an array, maybe empty); adds the
  // accounts it connected to `tally`.
  virtual bool accounts_listed(const Job& job, const rapidjson::Value& accounts_array,
                               SyncTally& tally) = 0;
  // sync_accounts: one page of the provider's message_history answer (an array); adds the chats
  // it recorded messages in to `tally`.
  virtual bool history_page(const Job& job, const rapidjson::Value& messages_array,
                            SyncTally& tally) = 0;
  // sync_accounts ended: completed when `reason` is empty, else given up for `reason`
  // ("rejected", "expired" or "insecure_endpoint", as not_sent's) with `detail`.
  virtual bool sync_ended(const Job& job, const SyncTally& tally, std::string_view reason,
                          std::string_view detail) = 0;
  // remove_app: deactivate the tenant's connection to the provider (job fields "app_id" and
  // "reason": app_disabled | app_removed), which queues the app_disabled notice.
  virtual bool remove_app(const Job& job) = 0;
  // notice_push: the developer's notice webhook answered 2xx (`reason` empty), or the push was
  // given up for `reason` ("rejected", "expired", "webhook_removed") with `detail`.
  virtual bool notice_pushed(const Job& job, std::string_view reason, std::string_view detail) = 0;
};

}  // namespace switchboard::api::delivery
