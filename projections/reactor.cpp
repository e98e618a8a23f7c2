#include "projections/reactor.hpp"

#include <stdexcept>

namespace switchboard::projections {

void Reactor::apply(pqxx::transaction_base& tx, std::span<const eventstore::RecordedEvent> events) {
  std::vector<OutboundMessage> batch;
  for (const auto& e : events) {
    for (auto& m : react(tx, e)) batch.push_back(std::move(m));
  }
  if (batch.empty()) return;
  std::string error;
  // Throwing rolls the runner's transaction back: the checkpoint stays and the batch comes again.
  if (!publisher_->publish(batch, error)) throw std::runtime_error("publish failed: " + error);
}

}  // namespace switchboard::projections
