#include "api/delivery/fairness.hpp"

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

}  // namespace switchboard::api::delivery
