// The agent CLI (tools/agent, seed 004's "done when"): an agent logs in with switchboard-agent,
// sees an incoming call from the fake CTI server, answers and hangs up by typing commands,
// while a second agent sees none of it; a server that cannot serve for a while (503) is shown as
// such, and the console goes on once it is back.

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sstream>

#include "tests/e2e/cti/agent_feed.hpp"
#include "tests/support/database_outage.hpp"

namespace cti = switchboard::tests::e2e::cti;
namespace e2e = switchboard::tests::e2e;

namespace {

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in{path};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// switchboard-agent logged in as alice (password alice-secret), its output in a log file.
// Standard input stays open until the test closes it.
struct AliceConsole {
  e2e::TempDir dir;
  std::filesystem::path log = dir.path() / "agent.log";
  e2e::ChildProcess process;

  explicit AliceConsole(const e2e::Endpoint& endpoint)
      : process{SWITCHBOARD_AGENT_BINARY,
                {"-a", "http://127.0.0.1:" + std::to_string(endpoint.port)},
                log,
                true} {
    process.type("alice");
    process.type("alice-secret");
    BOOST_REQUIRE_MESSAGE(shows("logged in as alice (CTI login op1)"), output());
  }

  std::string output() const { return read_all(log); }
  bool shows(const std::string& text,
             std::chrono::milliseconds within = std::chrono::seconds{20}) const {
    return cti::eventually([&] { return output().find(text) != std::string::npos; }, within);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(cti_agent_cli)

BOOST_AUTO_TEST_CASE(an_agent_answers_and_hangs_up_from_the_console) {
  cti::CtiStack stack;
  stack.create_agent("alice", "op1", "alice-secret");
  stack.create_agent("bob", "op2", "bob-secret");
  const auto endpoint = stack.server().endpoint();
  cti::AgentFeed bob{endpoint, stack.login("bob", "bob-secret")};

  AliceConsole console{endpoint};
  auto& process = console.process;
  const auto cid = stack.cti().incoming("op1", "400");
  BOOST_REQUIRE_MESSAGE(console.shows("NewCall cid=" + cid), console.output());
  process.type("answer " + cid);
  BOOST_TEST(console.shows("CallStatus cid=" + cid + " state=connected"), console.output());
  process.type("hangup " + cid);
  BOOST_TEST(console.shows("CallStatus cid=" + cid + " state=ended"), console.output());
  // A typing mistake is explained, not sent.
  process.type("answer");
  BOOST_TEST(console.shows("!! "), console.output());
  process.type("quit");
  BOOST_TEST(console.shows("logged out"), console.output());
  BOOST_TEST(cti::eventually([&] { return !process.running(); }));

  // Bob's feed holds nothing of op1's call.
  while (bob.poll(1) == 200) {
  }
  for (const auto& e : bob.events()) {
    BOOST_TEST(e.login == "op2", e.json);
    BOOST_TEST(e.json.find("\"cid\"") == std::string::npos, e.json);
  }
}

BOOST_AUTO_TEST_CASE(the_console_says_so_and_exits_when_its_session_is_ended_elsewhere) {
  cti::CtiStack stack;
  stack.create_agent("alice", "op1", "alice-secret");
  const auto endpoint = stack.server().endpoint();
  AliceConsole console{endpoint};
  BOOST_REQUIRE(stack.admin({"agents", "disable", "alice"}) == 0);
  // Standard input is still open: the console must not wait for a line that never comes.
  BOOST_TEST(cti::eventually([&] { return !console.process.running(); }, std::chrono::seconds{40}),
             console.output());
  BOOST_TEST(console.shows("the session has ended"), console.output());
}

BOOST_AUTO_TEST_CASE(the_console_shows_a_503_as_the_server_temporarily_unavailable_and_goes_on) {
  cti::CtiStack stack;
  stack.create_agent("alice", "op1", "alice-secret");
  const auto endpoint = stack.server().endpoint();
  AliceConsole console{endpoint};
  auto& process = console.process;
  BOOST_REQUIRE_MESSAGE(console.shows("<< ["), console.output());

  switchboard::tests::set_reachable(stack.server().database(), false);
  // A command: not sent, and said so with the problem's detail and Retry-After.
  process.type("calls");
  BOOST_TEST(console.shows("!! not sent: the server is temporarily unavailable: "),
             console.output());
  BOOST_TEST(console.shows("database cannot be reached; retry; retry after 1 s"), console.output());
  // The long-poll: once its wait ends (at most 20 s), or its session can no longer be checked.
  BOOST_TEST(
      console.shows("!! events: the server is temporarily unavailable: ", std::chrono::seconds{40}),
      console.output());
  BOOST_TEST(console.output().find("unexpected reply") == std::string::npos, console.output());
  BOOST_TEST(process.running());

  switchboard::tests::set_reachable(stack.server().database(), true);
  const auto cid = stack.cti().incoming("op1", "500");
  BOOST_TEST(console.shows("NewCall cid=" + cid, std::chrono::seconds{40}), console.output());
  BOOST_TEST(console.shows("!! events: the server is available again"), console.output());
  process.type("quit");
  BOOST_TEST(console.shows("logged out"), console.output());
  BOOST_TEST(cti::eventually([&] { return !process.running(); }));
}

BOOST_AUTO_TEST_SUITE_END()
