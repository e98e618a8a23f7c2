#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

namespace switchboard::eventstore {
class ConnectionPool;
}

namespace switchboard::api::routes {

// Waits until the projection `projection` has applied the event at `position` (log order:
// epoch, transaction, position), so an answer can promise what the read models say: a client
// token activated by the answer authenticates on the next request. False after `timeout` or
// when the database cannot tell; the write stands either way.
bool wait_for_projection(eventstore::ConnectionPool& read_models, std::string_view projection,
                         std::int64_t position,
                         std::chrono::milliseconds timeout = std::chrono::seconds{2});

}  // namespace switchboard::api::routes
