#pragma once

#include "projections/projection.hpp"

namespace switchboard::projections::cti {

// Agents (cti_agents) and their sessions (cti_sessions).
class DirectoryProjection final : public Projection {
 public:
  std::string name() const override { return "cti_directory"; }
  std::vector<std::string> tables() const override { return {"cti_agents", "cti_sessions"}; }
  eventstore::EventFilter filter() const override;
  void apply(pqxx::transaction_base& tx,
             std::span<const eventstore::RecordedEvent> events) override;
};

}  // namespace switchboard::projections::cti
