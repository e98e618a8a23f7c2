// Two nodes on one database: one holds the CTI connection; an agent on the other node still gets
// its events and controls its webphone (NATS relay), and the other node takes over when the
// owner stops.

#include <boost/test/unit_test.hpp>

#include "tests/e2e/cti/agent_feed.hpp"

namespace cti = switchboard::tests::e2e::cti;
namespace e2e = switchboard::tests::e2e;

BOOST_AUTO_TEST_SUITE(cti_nodes)

BOOST_AUTO_TEST_CASE(an_agent_on_the_node_without_the_cti_socket_is_served_and_survives_failover) {
  cti::CtiStack stack;  // its server is the first node and takes the CTI ownership
  stack.create_agent("alice", "op1", "alice-secret");
  BOOST_REQUIRE(cti::eventually([&] { return stack.cti().state()["ready"].GetInt() == 1; }));

  e2e::ServerProcess second{
      {{"database.url", stack.server().database().app_url()},
       {"database.admin_url", stack.server().database().admin_url()},
       {"cti.url", "ws://127.0.0.1:" + std::to_string(stack.cti().port()) + "/"}}};
  const auto endpoint = second.endpoint();

  // The owner's answer to the attach comes back: a CTI login the CTI API refuses is 502 here too.
  stack.create_agent("bob", "op9", "bob-secret");
  BOOST_REQUIRE(stack.cti().control("/refuse-login", R"({"login":"op9"})").status == 200);
  const auto refused =
      cti::post_json(endpoint, "/api/v1/login", R"({"login":"bob","password":"bob-secret"})");
  BOOST_TEST(refused.status == 502, refused.text());
  BOOST_TEST(refused.text().find("unknown login op9") != std::string::npos);
  BOOST_TEST(!refused.header("Set-Cookie").has_value());

  const auto login =
      cti::post_json(endpoint, "/api/v1/login", R"({"login":"alice","password":"alice-secret"})");
  BOOST_REQUIRE(login.status == 200);
  const std::string token = cti::parse(login.text())["token"].GetString();

  // The attach travelled to the owner; still a single CTI connection.
  BOOST_REQUIRE(cti::eventually([&] { return stack.cti().attached("op1"); }));
  BOOST_TEST(stack.cti().state()["connections"].GetInt() == 1);

  const auto cid = stack.cti().incoming("op1", "400");
  cti::AgentFeed feed{endpoint, token};
  BOOST_REQUIRE(feed.wait_for("NewCall") != nullptr);
  const auto answer = cti::post_json(endpoint, "/api/v1/control",
                                     R"({"name":"Answer","cid":")" + cid + R"("})", token);
  BOOST_TEST(answer.status == 200, answer.text());
  BOOST_TEST(feed.wait_for("CallStatus", "connected") != nullptr);

  // The owner goes away: the second node takes the CTI connection and re-attaches op1.
  stack.server().stop();
  BOOST_REQUIRE_MESSAGE(cti::eventually(
                            [&] {
                              const auto s = stack.cti().state();
                              return s["ready"].GetInt() == 1 && stack.cti().attached("op1");
                            },
                            std::chrono::seconds{30}),
                        "the second node did not take over");
  const auto hangup = cti::post_json(endpoint, "/api/v1/control",
                                     R"({"name":"Hangup","cid":")" + cid + R"("})", token);
  BOOST_TEST(hangup.status == 200, hangup.text());
  BOOST_TEST(feed.wait_for("CallStatus", "ended") != nullptr);
}

BOOST_AUTO_TEST_SUITE_END()
