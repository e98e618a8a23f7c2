#pragma once

#include <span>
#include <string>
#include <vector>

#include "eventstore/types.hpp"

namespace pqxx {
class connection_base;
class transaction_base;
}  // namespace pqxx

namespace switchboard::projections {

// A read model built from the event log. The runner hands it batches in the global order and
// moves its checkpoint in the same transaction, so each event takes effect exactly once.
// Table names are unqualified: a rebuild points the search_path at a shadow schema and the same
// code fills the shadow tables.
class Projection {
 public:
  virtual ~Projection() = default;

  virtual std::string name() const = 0;
  // The tables this projection owns (created by a migration); rebuild and verify copy these.
  virtual std::vector<std::string> tables() const = 0;
  virtual void apply(pqxx::transaction_base& tx,
                     std::span<const eventstore::RecordedEvent> events) = 0;
  // Called by the runner on its connection before the transaction apply() runs in opens: a
  // projection whose work follows from another's read model waits for it here, so no
  // transaction stays open while it sleeps. Throwing fails the batch, which comes again.
  virtual void prepare(pqxx::connection_base&, std::span<const eventstore::RecordedEvent>) {}
  // The events apply() acts on. The runner reads and hands it only these (the others still move
  // the checkpoint); a rebuild replays every event, so apply() must still ignore the rest.
  virtual eventstore::EventFilter filter() const { return {}; }
};

// A projection or reactor as its status is asked for (projections/runner.hpp): its name and the
// event types it reads (every type when empty). Only those can it be behind on: its checkpoint
// passes the others lazily (eventstore/notifier.hpp).
struct Follower {
  std::string name;
  std::vector<std::string> types;
};

inline Follower follower_of(const Projection& projection) {
  return {projection.name(), projection.filter().types};
}

}  // namespace switchboard::projections
