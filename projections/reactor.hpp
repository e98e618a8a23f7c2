#pragma once

#include <memory>
#include <string>
#include <vector>

#include "projections/projection.hpp"

namespace switchboard::projections {

struct OutboundMessage {
  std::string subject;
  // Derived from the event id (the event id itself for an event's only message): the broker
  // drops a republished duplicate.
  std::string message_id;
  std::string payload;
};

// Where reactors put outbound work (JetStream in the server; see api/nats).
class Publisher {
 public:
  virtual ~Publisher() = default;
  // True once the broker has stored every message.
  virtual bool publish(const std::vector<OutboundMessage>& messages, std::string& error) = 0;
};

// A log consumer that enqueues work instead of writing tables. Its checkpoint moves only after
// the broker acknowledged the batch, so a crash republishes (harmless: same message ids) and
// never loses a message.
class Reactor : public Projection {
 public:
  explicit Reactor(std::shared_ptr<Publisher> publisher) : publisher_(std::move(publisher)) {}

  std::vector<std::string> tables() const final { return {}; }
  void apply(pqxx::transaction_base& tx, std::span<const eventstore::RecordedEvent> events) final;

 protected:
  // The messages one event makes, in the order the broker is to store them (often none). `tx` is
  // the runner's transaction, for a reactor whose work follows from a read model.
  virtual std::vector<OutboundMessage> react(pqxx::transaction_base& tx,
                                             const eventstore::RecordedEvent& event) = 0;

 private:
  std::shared_ptr<Publisher> publisher_;
};

}  // namespace switchboard::projections
