// The delivery rules of seed 000 ("no answer -> retry after 5 s, at most 3 attempts"; "provider
// down -> keep it queued and send it when it is back"; "not sent within an hour -> not sent") as
// a pure function of the attempt count, the job's time and the answer.
#include "api/delivery/policy.hpp"

#include <boost/test/unit_test.hpp>

using namespace switchboard::api::delivery;
using namespace std::chrono_literals;

namespace {

const DeliveryPolicy policy{};  // 5 s, 3 attempts, 30 s, 1 h
const Clock::time_point created = Clock::time_point{} + std::chrono::hours(24 * 365 * 50);

}  // namespace

BOOST_AUTO_TEST_CASE(answers_are_classified_per_the_rules) {
  BOOST_CHECK(classify(true, 200) == Answer::success);
  BOOST_CHECK(classify(true, 204) == Answer::success);
  BOOST_CHECK(classify(false, 0) == Answer::transient);
  BOOST_CHECK(classify(true, 408) == Answer::transient);
  BOOST_CHECK(classify(true, 429) == Answer::transient);
  BOOST_CHECK(classify(true, 500) == Answer::transient);
  BOOST_CHECK(classify(true, 503) == Answer::transient);
  BOOST_CHECK(classify(true, 400) == Answer::rejected);
  BOOST_CHECK(classify(true, 401) == Answer::rejected);
  BOOST_CHECK(classify(true, 404) == Answer::rejected);
  BOOST_CHECK(classify(true, 422) == Answer::rejected);
  BOOST_CHECK(classify(true, 302) == Answer::transient);
}

BOOST_AUTO_TEST_CASE(success_is_done_and_a_4xx_is_rejected_at_once) {
  const auto now = created + 10s;
  const auto done = after_attempt(policy, Answer::success, 1, created, now);
  BOOST_CHECK(done.step == Step::done);
  const auto rejected = after_attempt(policy, Answer::rejected, 1, created, now);
  BOOST_CHECK(rejected.step == Step::reject);
  BOOST_CHECK(rejected.at == now);
}

BOOST_AUTO_TEST_CASE(no_answer_is_retried_after_5_s_up_to_3_quick_attempts) {
  auto now = created;
  for (int attempt = 1; attempt < 3; ++attempt) {
    const auto next = after_attempt(policy, Answer::transient, attempt, created, now);
    BOOST_CHECK(next.step == Step::retry);
    BOOST_CHECK(next.at == now + 5s);
    now = next.at;
  }
  // The third attempt failed too: the provider is unavailable, retried every 30 s.
  const auto next = after_attempt(policy, Answer::transient, 3, created, now);
  BOOST_CHECK(next.step == Step::retry);
  BOOST_CHECK(next.at == now + 30s);
  const auto later = after_attempt(policy, Answer::transient, 57, created, now + 20min);
  BOOST_CHECK(later.step == Step::retry);
  BOOST_CHECK(later.at == now + 20min + 30s);
}

BOOST_AUTO_TEST_CASE(a_retry_that_would_fall_after_the_hour_expires_at_the_hour) {
  const auto now = created + 1h - 10s;
  const auto next = after_attempt(policy, Answer::transient, 40, created, now);
  BOOST_CHECK(next.step == Step::expire);
  BOOST_CHECK(next.at == created + 1h);
  // Even a quick retry is not allowed past the deadline.
  const auto quick = after_attempt(policy, Answer::transient, 1, created, created + 1h - 1s);
  BOOST_CHECK(quick.step == Step::expire);
  BOOST_CHECK(quick.at == created + 1h);
  // Already past it: expire now.
  const auto late = after_attempt(policy, Answer::transient, 1, created, created + 2h);
  BOOST_CHECK(late.step == Step::expire);
  BOOST_CHECK(late.at == created + 2h);
}

BOOST_AUTO_TEST_CASE(expiry_counts_from_created_at) {
  BOOST_CHECK(!expired(policy, created, created));
  BOOST_CHECK(!expired(policy, created, created + 1h - 1ms));
  BOOST_CHECK(expired(policy, created, created + 1h));
  // A job that waited behind its lane is judged by its own time, not by when it became head.
  BOOST_CHECK(expired(policy, created, created + 3h));
}

BOOST_AUTO_TEST_CASE(the_timings_are_settings) {
  DeliveryPolicy fast{
      .retry_delay = 200ms, .max_attempts = 2, .unavailable_retry = 300ms, .expiry = 6s};
  BOOST_CHECK(after_attempt(fast, Answer::transient, 1, created, created).at == created + 200ms);
  BOOST_CHECK(after_attempt(fast, Answer::transient, 2, created, created).at == created + 300ms);
  BOOST_CHECK(after_attempt(fast, Answer::transient, 9, created, created + 5900ms).step ==
              Step::expire);
}

BOOST_AUTO_TEST_CASE(the_deactivation_notice_outlives_the_hour) {
  // It is what tells the provider to stop; other work is not sent after the hour.
  for (const auto* kind : {"remove_webhook", "app_disabled"}) {
    BOOST_TEST_CONTEXT(kind) {
      const auto notice = policy_for(policy, kind);
      BOOST_CHECK(!expired(notice, created, created + 2h));
      BOOST_CHECK(expired(notice, created, created + std::chrono::hours(24 * 7)));
      BOOST_CHECK(after_attempt(notice, Answer::transient, 5, created, created + 2h).step ==
                  Step::retry);
    }
  }
  BOOST_CHECK(expired(policy_for(policy, "send_message"), created, created + 2h));
  BOOST_CHECK(expired(policy_for(policy, "set_webhook"), created, created + 2h));
}
