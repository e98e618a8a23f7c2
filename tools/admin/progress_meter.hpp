#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace switchboard::tools::admin {

// Logs "<label>: N events (R events/s)" to stderr at most once per interval, so a long run
// shows it is alive without flooding the terminal or mixing with the results on stdout.
class ProgressMeter {
 public:
  explicit ProgressMeter(std::string label,
                         std::chrono::milliseconds interval = std::chrono::seconds{2});

  void update(std::uint64_t events);
  double elapsed_seconds() const;
  // Average since the meter was made.
  double events_per_second(std::uint64_t events) const;

 private:
  using Clock = std::chrono::steady_clock;

  std::string label_;
  std::chrono::milliseconds interval_;
  Clock::time_point started_;
  Clock::time_point last_report_;
};

}  // namespace switchboard::tools::admin
