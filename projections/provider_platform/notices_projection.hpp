#pragma once

#include "projections/projection.hpp"

namespace switchboard::projections::provider_platform {

// Update notices to providers and each developer's acknowledgements: what the developer API's
// notice list reads.
class NoticesProjection final : public Projection {
 public:
  std::string name() const override { return "provider_notices"; }
  std::vector<std::string> tables() const override {
    return {"provider_notices", "provider_notice_acknowledgements"};
  }
  void apply(pqxx::transaction_base& tx,
             std::span<const eventstore::RecordedEvent> events) override;
  eventstore::EventFilter filter() const override;
};

}  // namespace switchboard::projections::provider_platform
