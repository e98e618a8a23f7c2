// The CTI login queue: which logins it takes (api/cti/login_queue.hpp) and that a login whose
// client has gone by its turn is not run.

#include "api/cti/login_queue.hpp"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <future>

namespace cti = switchboard::api::cti;
using namespace std::chrono_literals;

namespace {

// A queue of one worker, which a login holds until `release` is set.
struct BusyQueue {
  cti::LoginQueue queue;
  std::promise<void> release;

  explicit BusyQueue(std::chrono::milliseconds max_wait)
      : queue{{.workers = 1, .max_wait = max_wait}, 50ms} {
    std::promise<void> started;
    BOOST_TEST(!queue
                    .post({.abandoned = [] { return false; },
                           .run =
                               [&started, gate = release.get_future().share()] {
                                 started.set_value();
                                 gate.wait();
                               },
                           .skip = [] {}})
                    .has_value());
    started.get_future().wait();
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(login_queue)

BOOST_AUTO_TEST_CASE(a_login_is_taken_while_the_rounds_ahead_of_it_fit_the_max_wait) {
  // 4 workers at 50 ms: 200 full rounds fit 10 s, so 201 rounds of 4 may be queued or running.
  BOOST_TEST(cti::admit(0, 4, 50ms, 10s).admitted);
  BOOST_TEST(cti::admit(803, 4, 50ms, 10s).admitted);
  const auto full = cti::admit(804, 4, 50ms, 10s);
  BOOST_TEST(!full.admitted);
  // Room comes after one round: 50 ms, said as the least Retry-After there is.
  BOOST_TEST(full.retry_after.count() == 1);
}

BOOST_AUTO_TEST_CASE(a_free_worker_always_takes_a_login) {
  // Even when one login takes longer than a login may wait, or no wait is allowed at all.
  BOOST_TEST(cti::admit(1, 2, 30s, 10s).admitted);
  BOOST_TEST(cti::admit(3, 4, 50ms, 0ms).admitted);
  BOOST_TEST(!cti::admit(4, 4, 50ms, 0ms).admitted);
  // No estimate yet, or a nonsensical one: no division by zero, and still a decision.
  BOOST_TEST(cti::admit(0, 0, 0us, 0ms).admitted);
  BOOST_TEST(!cti::admit(1, 0, 0us, 0ms).admitted);
}

BOOST_AUTO_TEST_CASE(retry_after_is_the_time_until_the_queue_would_take_the_login) {
  // 2 workers at 2.5 s with no wait allowed: room once one round is done.
  const auto slow = cti::admit(2, 2, 2500ms, 0ms);
  BOOST_TEST(!slow.admitted);
  BOOST_TEST(slow.retry_after.count() == 3);
  // Five logins beyond the room on 2 workers: three rounds.
  BOOST_TEST(cti::admit(7, 2, 2500ms, 0ms).retry_after.count() == 8);
}

BOOST_AUTO_TEST_CASE(a_full_queue_refuses_at_once_and_counts_it) {
  BusyQueue busy{0ms};
  auto& queue = busy.queue;
  bool ran = false;
  const auto refused =
      queue.post({.abandoned = [] { return false; }, .run = [&ran] { ran = true; }, .skip = [] {}});
  BOOST_REQUIRE(refused.has_value());
  BOOST_TEST(refused->count() >= 1);
  busy.release.set_value();
  queue.stop();
  BOOST_TEST(!ran);
  const auto stats = queue.stats();
  BOOST_TEST(stats.served == 1u);
  BOOST_TEST(stats.refused == 1u);
  BOOST_TEST(stats.waiting + stats.running == 0u);
}

BOOST_AUTO_TEST_CASE(a_login_whose_client_left_before_its_turn_is_skipped_not_run) {
  BusyQueue busy{10s};
  auto& queue = busy.queue;
  // Asked at its turn, not when it was queued: its client leaves while it waits.
  std::atomic<bool> gone{false};
  std::atomic<int> ran{0};
  std::atomic<int> skipped{0};
  BOOST_TEST(!queue
                  .post({.abandoned = [&gone] { return gone.load(); },
                         .run = [&ran] { ++ran; },
                         .skip = [&skipped] { ++skipped; }})
                  .has_value());
  BOOST_TEST(!queue
                  .post({.abandoned = [] { return false; },
                         .run = [&ran] { ++ran; },
                         .skip = [&skipped] { ++skipped; }})
                  .has_value());
  BOOST_TEST(queue.stats().waiting == 2u);
  gone = true;
  busy.release.set_value();
  queue.stop();
  BOOST_TEST(ran.load() == 1);
  BOOST_TEST(skipped.load() == 1);
  const auto stats = queue.stats();
  BOOST_TEST(stats.served == 2u);
  BOOST_TEST(stats.abandoned == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
