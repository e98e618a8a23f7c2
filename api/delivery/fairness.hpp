#pragma once

// How the delivery worker shares its hold and its calls between providers (docs/messaging.md,
// "Fairness between providers"), as pure functions, so they are tested without a broker: one
// provider that is down or slow must not starve the others.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace switchboard::api::delivery {

struct ProviderLoad {
  std::size_t ready = 0;      // lanes of the provider whose head may run now
  std::size_t in_flight = 0;  // calls to the provider running now
};

// How many ready lanes of each provider start now: one per provider a round, beginning with
// `first` (the caller moves it on each time, so no provider is always first), while a provider
// stays under `per_provider` calls and all of them under `room` more.
std::vector<std::size_t> fair_starts(const std::vector<ProviderLoad>& providers, std::size_t first,
                                     std::size_t room, std::size_t per_provider);

struct HoldShare {
  std::size_t held = 0;        // jobs of this provider held (queued in lanes or in flight)
  std::size_t total_held = 0;  // jobs of every provider held
  std::size_t providers = 0;   // providers with a job held, this one counted
};

// Whether a further job of the provider goes back to the broker for a while instead of being
// held: the hold is full (`max_held`) and the provider has its equal share of it. A provider with
// less is still taken, so jobs of stuck providers cannot fill the hold for everyone; while the
// hold is not full any provider may use it (a burst of one provider runs at full speed).
bool over_share(const HoldShare& share, std::size_t max_held);

// How long a job given back to the broker stays away: `base` the first time, twice as long each
// further time (`deliveries`: the broker's count of its deliveries, 1 the first time), at most
// `cap` (not below `base`), so a stuck provider's backlog is fetched ever less often; and never
// beyond `until_expiry` while that is ahead, so the job comes back in time to end `expired`.
std::chrono::milliseconds defer_delay(std::uint64_t deliveries, std::chrono::milliseconds base,
                                      std::chrono::milliseconds cap,
                                      std::chrono::milliseconds until_expiry);

}  // namespace switchboard::api::delivery
