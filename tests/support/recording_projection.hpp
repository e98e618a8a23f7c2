#pragma once

#include "projections/projection.hpp"

namespace switchboard::tests {

// Records every event it is given in seen_events (no unique key, so a second application of an
// event shows up as a duplicate row instead of an error). create_table() makes the table.
class RecordingProjection final : public projections::Projection {
 public:
  static void create_table(const std::string& admin_url);

  std::string name() const override { return "recorder"; }
  std::vector<std::string> tables() const override { return {"seen_events"}; }
  void apply(pqxx::transaction_base& tx,
             std::span<const eventstore::RecordedEvent> events) override;
};

}  // namespace switchboard::tests
