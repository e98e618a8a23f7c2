#include "api/wiring/store_metrics.hpp"

#include <spdlog/spdlog.h>

namespace switchboard::api::wiring {

void add_store_metrics(http::Metrics& metrics, eventstore::EventStore& store,
                       ProjectionStatusSource status_source) {
  using http::MetricType;
  metrics.add_collector([&store](http::PrometheusWriter& out) {
    const auto s = store.stats();
    out.family("switchboard_eventstore_appends_total", MetricType::counter,
               "Append requests by outcome.");
    out.sample({{"outcome", "ok"}}, s.appends);
    out.sample({{"outcome", "conflict"}}, s.conflicts);
    out.sample({{"outcome", "failed"}}, s.failures);
    out.family("switchboard_eventstore_events_appended_total", MetricType::counter,
               "Events written to the log.");
    out.sample(s.events_appended);
    out.family("switchboard_eventstore_batches_total", MetricType::counter,
               "Group-commit transactions.");
    out.sample(s.batches);
  });
  metrics.add_collector([status_source = std::move(status_source)](http::PrometheusWriter& out) {
    std::vector<projections::ProjectionStatus> status;
    try {
      status = status_source();
    } catch (const std::exception& e) {
      spdlog::warn("projection status for /metrics: {}", e.what());
      return;
    }
    out.family("switchboard_projection_lag_events", MetricType::gauge,
               "Events of the types a projection reads past its checkpoint.");
    for (const auto& p : status) out.sample({{"projection", p.name}}, p.events_behind);
    out.family("switchboard_projection_lag_seconds", MetricType::gauge,
               "Age of the oldest event of its types a projection has not applied.");
    for (const auto& p : status) out.sample({{"projection", p.name}}, p.seconds_behind);
    out.family("switchboard_projection_owner", MetricType::gauge,
               "1 while this node applies the projection (runs the reactor).");
    for (const auto& p : status) out.sample({{"projection", p.name}}, p.owned ? 1 : 0);
  });
}

}  // namespace switchboard::api::wiring
