// How the delivery worker shares its calls and its hold between providers: one provider that is
// down or slow (seed 000, "Отказоустойчивость") must not starve the others.
#include "api/delivery/fairness.hpp"

#include <boost/test/unit_test.hpp>

using namespace switchboard::api::delivery;

using Starts = std::vector<std::size_t>;

BOOST_AUTO_TEST_CASE(a_provider_with_many_ready_chats_gets_no_more_than_its_cap) {
  // A: 500 chats waiting on a provider that never answers; B: 3 chats.
  const auto starts = fair_starts({{500, 0}, {3, 0}}, 0, 32, 8);
  BOOST_TEST(starts == (Starts{8, 3}), boost::test_tools::per_element());
  // A's calls are all hanging: it starts nothing more, B's new work still does.
  const auto later = fair_starts({{492, 8}, {2, 1}}, 1, 23, 8);
  BOOST_TEST(later == (Starts{0, 2}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(the_calls_are_shared_round_by_round) {
  // Fewer free calls than providers' work: one each a round, the first one moving on.
  BOOST_TEST(fair_starts({{10, 0}, {10, 0}, {10, 0}}, 0, 5, 8) == (Starts{2, 2, 1}),
             boost::test_tools::per_element());
  BOOST_TEST(fair_starts({{10, 0}, {10, 0}, {10, 0}}, 1, 5, 8) == (Starts{1, 2, 2}),
             boost::test_tools::per_element());
  BOOST_TEST(fair_starts({{10, 0}, {10, 0}, {10, 0}}, 2, 1, 8) == (Starts{0, 0, 1}),
             boost::test_tools::per_element());
  // What one provider cannot use goes to the others.
  BOOST_TEST(fair_starts({{1, 0}, {10, 0}}, 0, 6, 8) == (Starts{1, 5}),
             boost::test_tools::per_element());
  BOOST_TEST(fair_starts({{10, 0}, {10, 7}}, 0, 32, 8) == (Starts{8, 1}),
             boost::test_tools::per_element());
  BOOST_TEST(fair_starts({{10, 0}}, 0, 0, 8) == (Starts{0}), boost::test_tools::per_element());
  BOOST_TEST(fair_starts({}, 0, 32, 8).empty());
}

BOOST_AUTO_TEST_CASE(one_provider_may_fill_a_hold_nobody_else_needs) {
  BOOST_TEST(!over_share({.held = 9'999, .total_held = 9'999, .providers = 1}, 10'000));
  BOOST_TEST(over_share({.held = 10'000, .total_held = 10'000, .providers = 1}, 10'000));
}

BOOST_AUTO_TEST_CASE(a_full_hold_still_takes_a_provider_below_its_equal_share) {
  // A stuck provider filled the hold: another one still gets its jobs in...
  BOOST_TEST(!over_share({.held = 0, .total_held = 10'000, .providers = 2}, 10'000));
  BOOST_TEST(!over_share({.held = 4'999, .total_held = 14'999, .providers = 2}, 10'000));
  // ...up to its equal share, and the stuck one gets nothing more.
  BOOST_TEST(over_share({.held = 5'000, .total_held = 15'000, .providers = 2}, 10'000));
  BOOST_TEST(over_share({.held = 10'000, .total_held = 15'000, .providers = 2}, 10'000));
  // Five stuck providers share a full hold: a sixth gets a sixth of it.
  BOOST_TEST(!over_share({.held = 1'665, .total_held = 11'665, .providers = 6}, 10'000));
  BOOST_TEST(over_share({.held = 1'666, .total_held = 11'666, .providers = 6}, 10'000));
  // Below full, nobody is turned away.
  BOOST_TEST(!over_share({.held = 9'000, .total_held = 9'999, .providers = 6}, 10'000));
}

BOOST_AUTO_TEST_CASE(a_job_given_back_again_and_again_stays_away_ever_longer_up_to_the_cap) {
  using std::chrono::milliseconds;
  const milliseconds base{15'000}, cap{240'000}, far{3'600'000};
  BOOST_TEST(defer_delay(1, base, cap, far).count() == 15'000);
  BOOST_TEST(defer_delay(2, base, cap, far).count() == 30'000);
  BOOST_TEST(defer_delay(4, base, cap, far).count() == 120'000);
  BOOST_TEST(defer_delay(5, base, cap, far).count() == 240'000);
  BOOST_TEST(defer_delay(6, base, cap, far).count() == 240'000);
  // A count far beyond the cap's doublings does not overflow.
  BOOST_TEST(defer_delay(1'000'000, base, cap, far).count() == 240'000);
  // A cap of the base itself: a fixed delay, as before the backoff.
  BOOST_TEST(defer_delay(7, base, base, far).count() == 15'000);
  BOOST_TEST(defer_delay(7, base, milliseconds{1'000}, far).count() == 15'000);
}

BOOST_AUTO_TEST_CASE(a_job_given_back_comes_back_by_its_expiry) {
  using std::chrono::milliseconds;
  const milliseconds base{15'000}, cap{240'000};
  BOOST_TEST(defer_delay(6, base, cap, milliseconds{50'000}).count() == 50'000);
  BOOST_TEST(defer_delay(1, base, cap, milliseconds{5'000}).count() == 5'000);
  BOOST_TEST(defer_delay(6, base, cap, milliseconds{10}).count() == 100);
  // Already expired (only an earlier job of its chat keeps it away): the backoff alone.
  BOOST_TEST(defer_delay(2, base, cap, milliseconds{-5'000}).count() == 30'000);
}
