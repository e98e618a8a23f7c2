#pragma once

#include <atomic>
#include <cstdint>

namespace switchboard::api::delivery {

// Counters for /metrics; each job ends in exactly one of delivered, expired, rejected, dropped.
struct DeliveryMetrics {
  std::atomic<std::uint64_t> delivered{0};  // the provider answered 2xx (or remove_app recorded)
  std::atomic<std::uint64_t> retried{0};    // attempts that will be repeated (no answer, 5xx...)
  std::atomic<std::uint64_t> expired{0};    // not done within the expiry: not sent
  std::atomic<std::uint64_t> rejected{0};   // a 4xx: not sent
  std::atomic<std::uint64_t> dropped{0};    // connection gone or token changed; malformed jobs
  // Fetches of a job given back to the broker for a while: its provider held its share already.
  std::atomic<std::uint64_t> deferred{0};
};

}  // namespace switchboard::api::delivery
