#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "eventstore/types.hpp"

namespace pqxx {
class connection_base;
class transaction_base;
}  // namespace pqxx

namespace switchboard::eventstore {
class ConnectionPool;
}

namespace switchboard::projections {

struct Checkpoint {
  eventstore::Position position;
  std::uint64_t events_applied = 0;
};

// The projection_checkpoints table. Moving a checkpoint is a compare-and-swap, so a runner whose
// checkpoint was moved under it (by a rebuild) notices, rolls back and reloads.
Checkpoint load_checkpoint(pqxx::transaction_base& tx, const std::string& name);
bool advance_checkpoint(pqxx::transaction_base& tx, const std::string& name, const Checkpoint& from,
                        const Checkpoint& to);
void store_checkpoint(pqxx::transaction_base& tx, const std::string& name, const Checkpoint& cp);

// Whether the projection `name` has applied the event at `global_position`: its checkpoint is at
// or past the event in log order (epoch, transaction, position). False for an event or a
// projection not recorded.
bool applied(pqxx::transaction_base& tx, const std::string& name, std::int64_t global_position);

// Waits until applied() says yes, asking every few milliseconds, each time in a statement of its
// own: no transaction stays open (nor, from a pool, a connection held) while it sleeps. While it
// waits it wakes the projection (eventstore::wake_readers), which may want none of the events up
// to the position. False once `timeout` has passed; a zero timeout asks once and wakes nobody.
// Database errors propagate.
bool wait_applied(pqxx::connection_base& c, const std::string& name, std::int64_t global_position,
                  std::chrono::milliseconds timeout);
bool wait_applied(eventstore::ConnectionPool& pool, const std::string& name,
                  std::int64_t global_position, std::chrono::milliseconds timeout);

}  // namespace switchboard::projections
