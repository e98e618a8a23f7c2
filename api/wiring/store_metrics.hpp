#pragma once

#include <functional>
#include <vector>

#include "api/http/metrics.hpp"
#include "eventstore/event_store.hpp"
#include "projections/runner.hpp"

namespace switchboard::api::wiring {

// What this node's runners report of the projections and reactors they run.
using ProjectionStatusSource = std::function<std::vector<projections::ProjectionStatus>()>;

// Appends (by outcome), and the lag and this node's ownership of every projection and reactor
// on /metrics, read from the store and `status_source` at each scrape.
void add_store_metrics(http::Metrics& metrics, eventstore::EventStore& store,
                       ProjectionStatusSource status_source);

}  // namespace switchboard::api::wiring
