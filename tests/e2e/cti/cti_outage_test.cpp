// The CTI routes while the server's database cannot be reached: every route answers 503
// "database unavailable" with Retry-After, as the rest of the API does, the server keeps running,
// and everything works again once the database is back. Only the server's own database goes away
// (tests::set_reachable): the shared PostgreSQL serves other tests meanwhile.

#include <boost/test/unit_test.hpp>
#include <csignal>
#include <thread>

#include "tests/e2e/cti/agent_feed.hpp"
#include "tests/support/database_outage.hpp"

namespace cti = switchboard::tests::e2e::cti;
namespace e2e = switchboard::tests::e2e;

namespace {

void check_unavailable(const e2e::HttpResponse& r, const std::string& what) {
  BOOST_TEST(r.status == 503, what << " -> " << r.status << " " << r.text());
  BOOST_TEST(r.header("Content-Type").value_or("").starts_with("application/problem+json"), what);
  BOOST_TEST(r.header("Retry-After").has_value(), what);
  if (r.status == 503) {
    BOOST_TEST(std::string{cti::parse(r.text())["title"].GetString()} == "database unavailable",
               what);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cti_outage)

BOOST_AUTO_TEST_CASE(an_unreachable_database_is_503_on_every_cti_route_and_passes) {
  cti::CtiStack stack;
  const auto endpoint = stack.server().endpoint();
  stack.create_agent("alice", "op1", "alice-secret");
  stack.create_agent("bob", "op2", "bob-secret");
  const auto token = stack.login("alice", "alice-secret");
  stack.cti().incoming("op1", "300");
  cti::AgentFeed feed{endpoint, token};
  BOOST_REQUIRE(feed.wait_for("NewCall") != nullptr);
  const auto cursor = std::to_string(feed.cursor());

  switchboard::tests::set_reachable(stack.server().database(), false);
  const auto control = [&] {
    return cti::post_json(endpoint, "/api/v1/control", R"({"name":"GetCalls"})", token);
  };
  const auto all_routes = [&](const std::string& when) {
    check_unavailable(
        cti::post_json(endpoint, "/api/v1/login", R"({"login":"bob","password":"bob-secret"})"),
        when + ": login");
    check_unavailable(control(), when + ": control");
    check_unavailable(cti::get_events(endpoint, token), when + ": events without a cursor");
    check_unavailable(cti::get_events(endpoint, token, "after=" + cursor + "&wait=0"),
                      when + ": events after the cursor");
    check_unavailable(cti::post_json(endpoint, "/api/v1/logout", "{}", token), when + ": logout");
  };
  // At once (alice's session is still known from before the outage), and once the server no
  // longer trusts what it knew (a session is re-checked after a second).
  all_routes("at once");
  std::this_thread::sleep_for(std::chrono::milliseconds{1'500});
  all_routes("later");
  BOOST_TEST(::kill(stack.server().pid(), 0) == 0, "the server is still running");

  switchboard::tests::set_reachable(stack.server().database(), true);
  BOOST_TEST(cti::eventually([&] { return control().status == 200; }, std::chrono::seconds{30}));
  const auto bob =
      cti::post_json(endpoint, "/api/v1/login", R"({"login":"bob","password":"bob-secret"})");
  BOOST_TEST(bob.status == 200, bob.text());
  const auto next_call = stack.cti().incoming("op1", "301");
  BOOST_TEST(cti::eventually([&] {
    feed.poll(1);
    for (const auto& e : feed.events()) {
      if (e.name == "NewCall" && e.cid == next_call) return true;
    }
    return false;
  }));
  BOOST_TEST(cti::post_json(endpoint, "/api/v1/logout", "{}", token).status == 204);
  BOOST_TEST(stack.server().stop() == 0, stack.server().output());
}

BOOST_AUTO_TEST_SUITE_END()
