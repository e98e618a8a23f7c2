#include "api/delivery/fairness.hpp"

#include <algorithm>

namespace switchboard::api::delivery {

std::vector<std::size_t> fair_starts(const std::vector<ProviderLoad>& providers, std::size_t first,
                                     std::size_t room, std::size_t per_provider) {
  const auto n = providers.size();
  std::vector<std::size_t> starts(n, 0);
  for (bool started = true; started && room > 0;) {
    started = false;
    for (std::size_t k = 0; k < n && room > 0; ++k) {
      const auto i = (first + k) % n;
      const auto& p = providers[i];
      if (starts[i] < p.ready && p.in_flight + starts[i] < per_provider) {
        ++starts[i];
        --room;
        started = true;
      }
    }
  }
  return starts;
}

bool over_share(const HoldShare& share, std::size_t max_held) {
  if (share.total_held < max_held) return false;
  return share.providers == 0 || share.held >= max_held / share.providers;
}

std::chrono::milliseconds defer_delay(std::uint64_t deliveries, std::chrono::milliseconds base,
                                      std::chrono::milliseconds cap,
                                      std::chrono::milliseconds until_expiry) {
  constexpr std::chrono::milliseconds shortest{100};
  base = std::max(base, shortest);
  cap = std::max(cap, base);
  auto delay = base;
  for (std::uint64_t n = 1; n < deliveries && delay < cap; ++n) delay *= 2;
  delay = std::min(delay, cap);
  if (until_expiry > std::chrono::milliseconds::zero()) delay = std::min(delay, until_expiry);
  return std::max(delay, shortest);
}

}  // namespace switchboard::api::delivery
