#pragma once

// Pushes update notices to providers' developers (seed 000, "Удобство" 3): each change of a
// notice (ProviderNoticePublished, ProviderNoticeCorrected, ProviderNoticeWithdrawn) becomes one
// notice_push job (api/delivery/job.hpp) per provider the `provider_notices` projection queued it
// for (a provider the notice concerns whose developer had a notice webhook then), on the delivery
// queue, so it is retried and given up on as provider calls are. The job carries the request body
// (the notice as it stands); the worker reads the webhook and its secret when it calls.
//
// The projection decides who gets a change, so the operator's view and the jobs never disagree:
// the reactor waits for it to have applied the event before reading its rows. A change the
// projection has already superseded by the next one (a reactor far behind) has no rows left and
// is not pushed: the next change carries the notice as it now reads.

#include <chrono>
#include <string>

#include "projections/reactor.hpp"

namespace switchboard::projections::provider_platform {

inline constexpr const char* kNoticePushReactorName = "notice_push";

class NoticePushReactor final : public Reactor {
 public:
  // `subject`: the delivery queue's. `wait`: how long a batch waits for the projection before it
  // fails (and comes again).
  NoticePushReactor(std::shared_ptr<Publisher> publisher, std::string subject,
                    std::chrono::milliseconds wait = std::chrono::seconds{10})
      : Reactor(std::move(publisher)), subject_(std::move(subject)), wait_(wait) {}

  std::string name() const override { return kNoticePushReactorName; }
  eventstore::EventFilter filter() const override { return wanted(); }
  // What filter() says, without a reactor (projections/registry.hpp reports it).
  static eventstore::EventFilter wanted();
  void prepare(pqxx::connection_base& c,
               std::span<const eventstore::RecordedEvent> events) override;

 protected:
  std::vector<OutboundMessage> react(pqxx::transaction_base& tx,
                                     const eventstore::RecordedEvent& event) override;

 private:
  std::string subject_;
  std::chrono::milliseconds wait_;
};

}  // namespace switchboard::projections::provider_platform
