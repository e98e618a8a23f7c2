#pragma once

// Readiness checks for the services Switchboard cannot work without. Each keeps one connection
// and reuses it, reconnecting after a failure, so a probe every few seconds costs one round trip.

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace switchboard::api::wiring {

using Check = std::function<std::optional<std::string>()>;

// Runs SELECT 1 at `url` (a libpq URI or key=value string); the connection attempt and the query
// each give up after `timeout`.
Check postgres_check(std::string url, std::chrono::seconds timeout = std::chrono::seconds{2});

// Round-trips a PING to the NATS server at `url` (natsConnection_FlushTimeout) after checking
// natsConnection_Status.
Check nats_check(std::string url,
                 std::chrono::milliseconds timeout = std::chrono::milliseconds{2000});

}  // namespace switchboard::api::wiring
