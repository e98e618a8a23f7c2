#include "commands/aggregate_cache.hpp"

#include <boost/test/unit_test.hpp>

using switchboard::commands::AggregateCache;

namespace {

template <class State>
typename AggregateCache<State>::EntryPtr entry(State state, std::int64_t version) {
  return std::make_shared<typename AggregateCache<State>::Entry>(
      typename AggregateCache<State>::Entry{std::move(state), version});
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_least_recently_used_entry_is_evicted) {
  AggregateCache<int> cache(2);
  cache.put("a-1", entry(1, 1));
  cache.put("a-2", entry(2, 1));
  BOOST_REQUIRE(cache.get("a-1"));  // a-1 is now the most recent
  cache.put("a-3", entry(3, 1));
  BOOST_CHECK(cache.get("a-1") != nullptr);
  BOOST_CHECK(cache.get("a-2") == nullptr);
  BOOST_CHECK(cache.get("a-3") != nullptr);
  BOOST_CHECK_EQUAL(cache.size(), 2u);
}

BOOST_AUTO_TEST_CASE(an_older_version_never_replaces_a_newer_one) {
  AggregateCache<std::string> cache(4);
  cache.put("s-1", entry<std::string>("v5", 5));
  cache.put("s-1", entry<std::string>("v3", 3));
  BOOST_CHECK_EQUAL(cache.get("s-1")->state, "v5");
  cache.put("s-1", entry<std::string>("v6", 6));
  BOOST_CHECK_EQUAL(cache.get("s-1")->version, 6);
}

BOOST_AUTO_TEST_CASE(only_an_entry_nobody_else_holds_is_taken_out) {
  AggregateCache<int> cache(4);
  auto mine = entry(1, 1);
  cache.put("a-1", mine);
  auto reader = cache.get("a-1");
  BOOST_CHECK(!cache.take_unshared("a-1", mine));  // a reader holds it: it stays cached
  BOOST_CHECK(cache.get("a-1") == mine);
  reader.reset();
  BOOST_CHECK(!cache.take_unshared("a-1", entry(1, 1)));  // not the cached one
  BOOST_CHECK(cache.take_unshared("a-1", mine));
  BOOST_CHECK(cache.get("a-1") == nullptr);
  BOOST_CHECK_EQUAL(mine.use_count(), 1);
  BOOST_CHECK_EQUAL(cache.size(), 0u);
}
