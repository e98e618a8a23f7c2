#pragma once

#include "projections/projection.hpp"

namespace switchboard::projections::provider_platform {

// Tenant <-> provider configuration bindings and their history (seed 001, "configuration per
// tenant"): what the installation routes show, and what keeps a configuration in use from being
// deleted.
class TenantBindingsProjection final : public Projection {
 public:
  std::string name() const override { return "tenant_bindings"; }
  std::vector<std::string> tables() const override {
    return {"tenant_bindings", "tenant_binding_history"};
  }
  void apply(pqxx::transaction_base& tx,
             std::span<const eventstore::RecordedEvent> events) override;
  eventstore::EventFilter filter() const override;
};

}  // namespace switchboard::projections::provider_platform
