#include "tools/admin/progress_meter.hpp"

#include <spdlog/spdlog.h>

namespace switchboard::tools::admin {

ProgressMeter::ProgressMeter(std::string label, std::chrono::milliseconds interval)
    : label_(std::move(label)),
      interval_(interval),
      started_(Clock::now()),
      last_report_(started_) {}

void ProgressMeter::update(std::uint64_t events) {
  const auto now = Clock::now();
  if (now - last_report_ < interval_) return;
  last_report_ = now;
  spdlog::info("{}: {} events ({:.0f} events/s)", label_, events, events_per_second(events));
}

double ProgressMeter::elapsed_seconds() const {
  return std::chrono::duration<double>(Clock::now() - started_).count();
}

double ProgressMeter::events_per_second(std::uint64_t events) const {
  const auto seconds = elapsed_seconds();
  return seconds > 0 ? static_cast<double>(events) / seconds : 0.0;
}

}  // namespace switchboard::tools::admin
