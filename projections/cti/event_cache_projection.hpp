#pragma once

#include "projections/projection.hpp"

namespace switchboard::projections::cti {

// Per CTI login, the events the agent has not acknowledged (cti_event_cache) and how far it has
// acknowledged (cti_delivery). Each batch notifies channel `cti_agent_events` with the logins it
// touched, so every node's long-polls wake when the batch commits.
class EventCacheProjection final : public Projection {
 public:
  static constexpr const char* channel = "cti_agent_events";

  std::string name() const override { return "cti_event_cache"; }
  std::vector<std::string> tables() const override { return {"cti_event_cache", "cti_delivery"}; }
  eventstore::EventFilter filter() const override;
  void apply(pqxx::transaction_base& tx,
             std::span<const eventstore::RecordedEvent> events) override;
};

}  // namespace switchboard::projections::cti
