#pragma once

// A pipeline's append answers `unavailable` when the store cannot be reached, but its reads (the
// state it decides on, an idempotency key) throw pqxx::broken_connection. The CTI commands answer
// both alike: their callers answer requests from queued jobs, where an exception would cost the
// request its answer.

#include <pqxx/except>
#include <string>

#include "commands/pipeline.hpp"

namespace switchboard::commands::cti {

inline CommandOutcome unreachable(const pqxx::broken_connection& e) {
  CommandOutcome outcome;
  outcome.status = CommandOutcome::Status::unavailable;
  outcome.error = std::string{"database unreachable: "} + e.what();
  return outcome;
}

// Runs `command` (a pipeline call); a read that cannot reach the store is `unavailable`.
template <typename Command>
CommandOutcome outcome_of(Command&& command) {
  try {
    return command();
  } catch (const pqxx::broken_connection& e) {
    return unreachable(e);
  }
}

}  // namespace switchboard::commands::cti
