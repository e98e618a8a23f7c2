// The agent CLI (tools/agent, seed 004's "done when"): an agent logs in with switchboard-agent,
// sees an incoming call from the fake CTI server, answers and hangs up by typing commands,
// while a second agent sees none of it.

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sstream>

#include "tests/e2e/cti/agent_feed.hpp"

namespace cti = switchboard::tests::e2e::cti;
namespace e2e = switchboard::tests::e2e;

namespace {

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in{path};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cti_agent_cli)

BOOST_AUTO_TEST_CASE(an_agent_answers_and_hangs_up_from_the_console) {
  cti::CtiStack stack;
  stack.create_agent("alice", "op1", "alice-secret");
  stack.create_agent("bob", "op2", "bob-secret");
  const auto endpoint = stack.server().endpoint();
  cti::AgentFeed bob{endpoint, stack.login("bob", "bob-secret")};

  e2e::TempDir dir;
  const auto log = dir.path() / "agent.log";
  const auto shows = [&](const std::string& text) {
    return cti::eventually([&] { return read_all(log).find(text) != std::string::npos; });
  };
  e2e::ChildProcess console{SWITCHBOARD_AGENT_BINARY,
                            {"-a", "http://127.0.0.1:" + std::to_string(endpoint.port)},
                            log,
                            true};
  console.type("alice");
  console.type("alice-secret");
  BOOST_REQUIRE_MESSAGE(shows("logged in as alice (CTI login op1)"), read_all(log));

  const auto cid = stack.cti().incoming("op1", "400");
  BOOST_REQUIRE_MESSAGE(shows("NewCall cid=" + cid), read_all(log));
  console.type("answer " + cid);
  BOOST_TEST(shows("CallStatus cid=" + cid + " state=connected"), read_all(log));
  console.type("hangup " + cid);
  BOOST_TEST(shows("CallStatus cid=" + cid + " state=ended"), read_all(log));
  // A typing mistake is explained, not sent.
  console.type("answer");
  BOOST_TEST(shows("!! "), read_all(log));
  console.type("quit");
  BOOST_TEST(shows("logged out"), read_all(log));
  BOOST_TEST(cti::eventually([&] { return !console.running(); }));

  // Bob's feed holds nothing of op1's call.
  while (bob.poll(1) == 200) {
  }
  for (const auto& e : bob.events()) {
    BOOST_TEST(e.login == "op2", e.json);
    BOOST_TEST(e.json.find("\"cid\"") == std::string::npos, e.json);
  }
}

BOOST_AUTO_TEST_SUITE_END()
