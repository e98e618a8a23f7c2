// A projection's dispatch table drives both its filter and its apply(): what one table lists is
// exactly what the runner hands over and what finds a handler.
#include "projections/dispatch.hpp"

#include <boost/test/unit_test.hpp>
#include <set>
#include <string>
#include <vector>

#include "projections/messaging/delivery_reactor.hpp"
#include "projections/registry.hpp"

using namespace switchboard;
using projections::filter_of;
using projections::handler_for;
using projections::On;

namespace {

using Handler = int (*)();

int one() {
  return 1;
}
int two() {
  return 2;
}

constexpr On<Handler> kFirst[] = {{"A", one}, {"B", two}};
constexpr On<Handler> kSecond[] = {{"C", two}};

}  // namespace

BOOST_AUTO_TEST_SUITE(projection_dispatch)

BOOST_AUTO_TEST_CASE(the_filter_lists_every_type_of_every_table_in_order) {
  const auto filter = filter_of(kFirst, kSecond);
  BOOST_TEST(filter.types == (std::vector<std::string>{"A", "B", "C"}),
             boost::test_tools::per_element());
  BOOST_TEST(filter.bodies);
}

BOOST_AUTO_TEST_CASE(every_listed_type_finds_its_handler_and_no_other_type_finds_one) {
  const auto* a = handler_for(kFirst, "A");
  const auto* b = handler_for(kFirst, "B");
  BOOST_REQUIRE(a != nullptr);
  BOOST_REQUIRE(b != nullptr);
  BOOST_TEST((*a)() == 1);
  BOOST_TEST((*b)() == 2);
  BOOST_TEST(handler_for(kFirst, "C") == nullptr);
  BOOST_TEST(handler_for(kFirst, "a") == nullptr);
  BOOST_TEST(handler_for(kFirst, "") == nullptr);
  for (const auto& type : filter_of(kFirst).types) BOOST_TEST(handler_for(kFirst, type) != nullptr);
}

// A type listed twice would find only its first row: the second handler could never run.
BOOST_AUTO_TEST_CASE(no_projection_or_reactor_lists_a_type_twice) {
  auto consumers = projections::all_projections();
  consumers.push_back(std::make_shared<projections::messaging::DeliveryReactor>(nullptr, ""));
  for (const auto& p : consumers) {
    const auto types = p->filter().types;
    BOOST_TEST(std::set<std::string>(types.begin(), types.end()).size() == types.size(), p->name());
  }
}

BOOST_AUTO_TEST_SUITE_END()
