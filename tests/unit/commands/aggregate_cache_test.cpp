#include "commands/aggregate_cache.hpp"

#include <boost/test/unit_test.hpp>

using switchboard::commands::AggregateCache;

BOOST_AUTO_TEST_CASE(the_least_recently_used_entry_is_evicted) {
  AggregateCache<int> cache(2);
  cache.put("a-1", {1, 1});
  cache.put("a-2", {2, 1});
  BOOST_REQUIRE(cache.get("a-1"));  // a-1 is now the most recent
  cache.put("a-3", {3, 1});
  BOOST_CHECK(cache.get("a-1").has_value());
  BOOST_CHECK(!cache.get("a-2").has_value());
  BOOST_CHECK(cache.get("a-3").has_value());
  BOOST_CHECK_EQUAL(cache.size(), 2u);
}

BOOST_AUTO_TEST_CASE(an_older_version_never_replaces_a_newer_one) {
  AggregateCache<std::string> cache(4);
  cache.put("s-1", {"v5", 5});
  cache.put("s-1", {"v3", 3});
  BOOST_CHECK_EQUAL(cache.get("s-1")->state, "v5");
  cache.put("s-1", {"v6", 6});
  BOOST_CHECK_EQUAL(cache.get("s-1")->version, 6);
}
