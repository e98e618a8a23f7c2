#pragma once

// Turns messaging events into delivery jobs (docs/messaging.md, "Delivery to providers") on the
// JetStream subject the DeliveryWorker consumes, with Nats-Msg-Id = the job id (derived from the
// event id): a republish after a crash is stored once. Jobs carry everything the provider call
// needs but the token (named by its SHA-256, never sealed), so the worker reads only the
// connection and the endpoint from the read models, and a replaced token from the log.
//
//   ClientTokenActivated    -> sync_accounts, then set_webhook (when the public base URL is known);
//                              replacing a token: remove_webhook with the old token before them
//   ClientTokenDeactivated  -> remove_webhook, then app_disabled (the last call for the tenant)
//   AppRemoved (tenant)     -> remove_app (which deactivates: the line above)
//   MessageSubmitted        -> send_message
//   MessageNotSent, expired -> update_message_status "failed"
//   MessageTextUpdated, ChatRead by a CRM user -> update_message_text, read_chat
//
// set_webhook and remove_webhook are optional endpoints: the worker drops their jobs for a
// configuration that does not declare them.

#include <string>
#include <string_view>
#include <vector>

#include "projections/reactor.hpp"

namespace switchboard::projections::messaging {

inline constexpr const char* kDeliverySubject = "switchboard.delivery";
inline constexpr const char* kDeliveryReactorName = "delivery";

struct DeliveryJob {
  std::string job_id;
  std::string payload;  // the job's JSON (api/delivery/job.hpp)
};

class DeliveryReactor final : public Reactor {
 public:
  // `public_base_url`: where providers reach Switchboard's public API (messaging.public_base_url),
  // what set_webhook tells them; empty: set_webhook is never called.
  DeliveryReactor(std::shared_ptr<Publisher> publisher, std::string public_base_url,
                  std::string subject = kDeliverySubject)
      : Reactor(std::move(publisher)),
        public_base_url_(std::move(public_base_url)),
        subject_(std::move(subject)) {}

  std::string name() const override { return kDeliveryReactorName; }
  eventstore::EventFilter filter() const override { return wanted(); }
  // What filter() says, without a reactor (projections/registry.hpp reports it).
  static eventstore::EventFilter wanted();

  // The jobs one event makes, in the order they run (none when it needs no provider call);
  // public for tests.
  static std::vector<DeliveryJob> jobs_for(const eventstore::RecordedEvent& event,
                                           std::string_view public_base_url);

 protected:
  std::vector<OutboundMessage> react(pqxx::transaction_base& tx,
                                     const eventstore::RecordedEvent& event) override;

 private:
  std::string public_base_url_;
  std::string subject_;
};

}  // namespace switchboard::projections::messaging
