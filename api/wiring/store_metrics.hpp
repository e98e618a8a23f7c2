#pragma once

#include "api/http/metrics.hpp"
#include "eventstore/event_store.hpp"
#include "projections/runner.hpp"

namespace switchboard::api::wiring {

// Appends (by outcome) and projection lag on /metrics, read from the store and the runner at
// each scrape.
void add_store_metrics(http::Metrics& metrics, eventstore::EventStore& store,
                       projections::ProjectionRunner& runner);

}  // namespace switchboard::api::wiring
