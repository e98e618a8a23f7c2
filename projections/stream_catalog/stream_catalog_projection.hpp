#pragma once

#include "projections/projection.hpp"

namespace switchboard::projections {

// Every stream with its category, version, event count and last activity.
class StreamCatalogProjection final : public Projection {
 public:
  std::string name() const override { return "stream_catalog"; }
  std::vector<std::string> tables() const override { return {"stream_catalog"}; }
  // Streams, versions and types only: no event body is read.
  eventstore::EventFilter filter() const override { return {{}, false}; }
  void apply(pqxx::transaction_base& tx,
             std::span<const eventstore::RecordedEvent> events) override;
};

}  // namespace switchboard::projections
