#pragma once

#include "projections/projection.hpp"

namespace switchboard::projections::provider_platform {

inline constexpr const char* kNoticesProjectionName = "provider_notices";

// The providers the notice of row `n` (of provider_notices) concerns, as a subquery of (code,
// developer_id): those it names, whether or not their scope is on yet (developer_id NULL for a
// code no app holds in the `apps` read model), or every provider whose scope is on.
extern const char* const kConcernedProviders;

// Update notices to providers, each developer's acknowledgements, the developers' notice webhooks
// and where pushing each notice's latest change stands (migration 0047): what the developer API's
// notice list, the operator's notice detail and the NoticePushReactor read. A change is queued
// for each provider it concerns whose developer has a webhook at that point of the log.
class NoticesProjection final : public Projection {
 public:
  std::string name() const override { return kNoticesProjectionName; }
  std::vector<std::string> tables() const override {
    return {"provider_notices", "provider_notice_acknowledgements", "notice_webhooks",
            "notice_pushes"};
  }
  void apply(pqxx::transaction_base& tx,
             std::span<const eventstore::RecordedEvent> events) override;
  eventstore::EventFilter filter() const override;
};

}  // namespace switchboard::projections::provider_platform
