#include "api/delivery/policy.hpp"

#include <algorithm>

#include "api/delivery/job.hpp"

namespace switchboard::api::delivery {

Answer classify(bool answered, int status) {
  if (!answered) return Answer::transient;
  if (status >= 200 && status < 300) return Answer::success;
  if (status == 408 || status == 429) return Answer::transient;
  if (status >= 400 && status < 500) return Answer::rejected;
  // 5xx, and redirects or informational answers the client does not follow: the provider may
  // answer properly later, and the expiry bounds the wait.
  return Answer::transient;
}

DeliveryPolicy policy_for(const DeliveryPolicy& policy, std::string_view kind) {
  auto rules = policy;
  if (deactivation_notice(kind)) rules.expiry = std::max(policy.expiry, policy.notice_expiry);
  return rules;
}

bool expired(const DeliveryPolicy& policy, Clock::time_point created_at, Clock::time_point now) {
  return now >= created_at + policy.expiry;
}

Next after_attempt(const DeliveryPolicy& policy, Answer answer, int attempts,
                   Clock::time_point created_at, Clock::time_point now) {
  switch (answer) {
    case Answer::success:
      return {Step::done, now};
    case Answer::rejected:
      return {Step::reject, now};
    case Answer::transient:
      break;
  }
  const auto deadline = created_at + policy.expiry;
  const auto at =
      now + (attempts < policy.max_attempts ? policy.retry_delay : policy.unavailable_retry);
  // A retry that could only come after the deadline would never be allowed to call.
  if (at >= deadline) return {Step::expire, deadline > now ? deadline : now};
  return {Step::retry, at};
}

}  // namespace switchboard::api::delivery
