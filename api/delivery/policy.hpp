#pragma once

// The delivery rules as a pure function, so they are tested without clocks or sockets.

#include <chrono>
#include <string_view>

#include "api/delivery/settings.hpp"

namespace switchboard::api::delivery {

using Clock = std::chrono::system_clock;

// How a provider answered one call.
enum class Answer {
  success,    // 2xx
  transient,  // no answer (refused, reset, timeout), 408, 429, 5xx, and anything unexpected
  rejected,   // any other 4xx: refused for good
};

Answer classify(bool answered, int status);

enum class Step {
  done,    // recorded and acknowledged
  retry,   // call again at `at`
  reject,  // not sent (rejected)
  expire,  // not sent (expired), at `at` if that is later than now
};

struct Next {
  Step step;
  Clock::time_point at;
};

// The rules for a job of `kind`: a deactivation notice expires after notice_expiry.
DeliveryPolicy policy_for(const DeliveryPolicy& policy, std::string_view kind);

// True once the job may no longer be sent.
bool expired(const DeliveryPolicy& policy, Clock::time_point created_at, Clock::time_point now);

// After attempt number `attempts` (1 for the first) answered `answer` at `now`.
Next after_attempt(const DeliveryPolicy& policy, Answer answer, int attempts,
                   Clock::time_point created_at, Clock::time_point now);

}  // namespace switchboard::api::delivery
