#pragma once

#include "projections/projection.hpp"

namespace switchboard::tests {

// Records every event it is given in seen_events (no unique key, so a second application of an
// event shows up as a duplicate row instead of an error). create_table() makes the table.
// It reads the event types given, or every type.
class RecordingProjection final : public projections::Projection {
 public:
  explicit RecordingProjection(std::vector<std::string> types = {}) : types_(std::move(types)) {}
  static void create_table(const std::string& admin_url);

  std::string name() const override { return "recorder"; }
  eventstore::EventFilter filter() const override { return {types_}; }
  std::vector<std::string> tables() const override { return {"seen_events"}; }
  void apply(pqxx::transaction_base& tx,
             std::span<const eventstore::RecordedEvent> events) override;

 private:
  std::vector<std::string> types_;
};

}  // namespace switchboard::tests
