#pragma once

#include "projections/projection.hpp"

namespace switchboard::projections::provider_platform {

// Apps and the providers they become, app versions with their configuration, every uploaded
// configuration version with its state, and the publication gates: what the marketplace, the
// developer API and the admin API read.
class ProvidersProjection final : public Projection {
 public:
  std::string name() const override { return "providers"; }
  std::vector<std::string> tables() const override {
    return {"apps", "app_versions", "provider_configurations"};
  }
  void apply(pqxx::transaction_base& tx,
             std::span<const eventstore::RecordedEvent> events) override;
  eventstore::EventFilter filter() const override;
};

}  // namespace switchboard::projections::provider_platform
