// The CTI work pool's stop: what the CTI service relies on to finish before the server goes.

#include "api/concurrency/work_pool.hpp"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <future>
#include <memory>
#include <thread>

using switchboard::api::concurrency::WorkPool;

BOOST_AUTO_TEST_SUITE(work_pool)

BOOST_AUTO_TEST_CASE(stop_runs_what_was_queued_and_drops_what_comes_after) {
  WorkPool pool{1};
  std::promise<void> release;
  auto gate = release.get_future().share();
  std::atomic<int> ran{0};
  pool.post([gate] { gate.wait(); });
  for (int i = 0; i < 3; ++i) pool.post([&ran] { ++ran; });
  std::thread stopper{[&pool] { pool.stop(); }};
  release.set_value();
  stopper.join();
  BOOST_TEST(ran.load() == 3);

  // Dropped, not kept for later: what the job holds (a request's responder) goes now.
  auto held = std::make_shared<int>(0);
  const std::weak_ptr<int> watch = held;
  pool.post([held = std::move(held), &ran] { ++ran; });
  BOOST_TEST(watch.expired());
  BOOST_TEST(ran.load() == 3);
}

BOOST_AUTO_TEST_SUITE_END()
