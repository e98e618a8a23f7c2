#include "api/wiring/store_metrics.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace switchboard::api::wiring {

void add_store_metrics(http::Metrics& metrics, eventstore::EventStore& store,
                       ProjectionStatusSource status_source) {
  metrics.add_collector([&store](std::string& out) {
    const auto s = store.stats();
    out += "# HELP switchboard_eventstore_appends_total Append requests by outcome.\n";
    out += "# TYPE switchboard_eventstore_appends_total counter\n";
    out += fmt::format("switchboard_eventstore_appends_total{{outcome=\"ok\"}} {}\n", s.appends);
    out += fmt::format("switchboard_eventstore_appends_total{{outcome=\"conflict\"}} {}\n",
                       s.conflicts);
    out +=
        fmt::format("switchboard_eventstore_appends_total{{outcome=\"failed\"}} {}\n", s.failures);
    out += "# HELP switchboard_eventstore_events_appended_total Events written to the log.\n";
    out += "# TYPE switchboard_eventstore_events_appended_total counter\n";
    out += fmt::format("switchboard_eventstore_events_appended_total {}\n", s.events_appended);
    out += "# HELP switchboard_eventstore_batches_total Group-commit transactions.\n";
    out += "# TYPE switchboard_eventstore_batches_total counter\n";
    out += fmt::format("switchboard_eventstore_batches_total {}\n", s.batches);
  });
  metrics.add_collector([status_source = std::move(status_source)](std::string& out) {
    std::vector<projections::ProjectionStatus> status;
    try {
      status = status_source();
    } catch (const std::exception& e) {
      spdlog::warn("projection status for /metrics: {}", e.what());
      return;
    }
    out += "# HELP switchboard_projection_lag_events Events past a projection's checkpoint.\n";
    out += "# TYPE switchboard_projection_lag_events gauge\n";
    for (const auto& p : status) {
      out += fmt::format("switchboard_projection_lag_events{{projection=\"{}\"}} {}\n", p.name,
                         p.events_behind);
    }
    out +=
        "# HELP switchboard_projection_lag_seconds Age of the oldest event a projection has "
        "not applied.\n";
    out += "# TYPE switchboard_projection_lag_seconds gauge\n";
    for (const auto& p : status) {
      out += fmt::format("switchboard_projection_lag_seconds{{projection=\"{}\"}} {:.3f}\n", p.name,
                         p.seconds_behind);
    }
    out +=
        "# HELP switchboard_projection_owner 1 while this node applies the projection (runs the "
        "reactor).\n";
    out += "# TYPE switchboard_projection_owner gauge\n";
    for (const auto& p : status) {
      out += fmt::format("switchboard_projection_owner{{projection=\"{}\"}} {}\n", p.name,
                         p.owned ? 1 : 0);
    }
  });
}

}  // namespace switchboard::api::wiring
