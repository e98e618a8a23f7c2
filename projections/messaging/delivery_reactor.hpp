#pragma once

// Turns messaging events into delivery jobs (docs/messaging.md, "Delivery to providers") on the
// JetStream subject the DeliveryWorker consumes, with Nats-Msg-Id = the event id: a republish
// after a crash is stored once. Jobs carry everything the provider call needs from the event,
// so the worker reads only the connection and the endpoint from the read models.

#include <optional>
#include <string>

#include "projections/reactor.hpp"

namespace switchboard::projections::messaging {

inline constexpr const char* kDeliverySubject = "switchboard.delivery";

class DeliveryReactor final : public Reactor {
 public:
  explicit DeliveryReactor(std::shared_ptr<Publisher> publisher,
                           std::string subject = kDeliverySubject)
      : Reactor(std::move(publisher)), subject_(std::move(subject)) {}

  std::string name() const override { return "delivery"; }

  // The job for one event, or nullopt when the event needs no provider call; public for tests.
  static std::optional<std::string> job_for(const eventstore::RecordedEvent& event);

 protected:
  std::optional<OutboundMessage> react(const eventstore::RecordedEvent& event) override;

 private:
  std::string subject_;
};

}  // namespace switchboard::projections::messaging
