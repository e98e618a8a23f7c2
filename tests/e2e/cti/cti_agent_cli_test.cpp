// The agent CLI (tools/agent, seed 004's "done when"): an agent logs in with switchboard-agent,
// sees an incoming call from the fake CTI server, answers and hangs up by typing commands,
// while a second agent sees none of it; a server that cannot serve for a while (503) is shown as
// such, and the console goes on once it is back (or logs in then).

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <future>
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

// switchboard-agent logging in as alice (password alice-secret), its output in a log file, once
// it shows `first` (that it logged in, unless told otherwise). Standard input stays open until
// the test closes it.
struct AliceConsole {
  e2e::TempDir dir;
  std::filesystem::path log = dir.path() / "agent.log";
  e2e::ChildProcess process;

  explicit AliceConsole(const e2e::Endpoint& endpoint,
                        const std::string& first = "logged in as alice (CTI login op1)")
      : process{SWITCHBOARD_AGENT_BINARY,
                {"-a", "http://127.0.0.1:" + std::to_string(endpoint.port)},
                log,
                true} {
    process.type("alice");
    process.type("alice-secret");
    BOOST_REQUIRE_MESSAGE(shows(first), output());
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

BOOST_AUTO_TEST_CASE(the_console_logs_in_once_the_full_login_queue_takes_it) {
  // One worker, no wait allowed: while bob's login keeps the worker (appends held), the queue
  // refuses every other.
  cti::CtiStack stack{e2e::Settings{{"cti.login_workers", "1"},
                                    {"cti.login_max_wait_ms", "0"},
                                    {"http.request_timeout_ms", "120000"}}};
  stack.create_agent("alice", "op1", "alice-secret");
  stack.create_agent("bob", "op2", "bob-secret");
  const auto endpoint = stack.server().endpoint();
  cti::HeldAppends held{stack};
  auto bob = std::async(std::launch::async, [endpoint] {
    return cti::post_json(endpoint, "/api/v1/login", R"({"login":"bob","password":"bob-secret"})",
                          {}, std::chrono::seconds{120});
  });
  BOOST_REQUIRE(cti::eventually([&] {
    return cti::metric(endpoint, R"(switchboard_cti_login_queue{state="running"})") == 1;
  }));

  AliceConsole console{endpoint, "!! not logged in yet: the server is temporarily unavailable: "};
  BOOST_TEST(console.shows("; retry after "), console.output());
  BOOST_TEST(console.process.running());
  held.release();
  BOOST_TEST(bob.get().status == 200);
  BOOST_TEST(console.shows("logged in as alice (CTI login op1)"), console.output());
  console.process.type("quit");
  BOOST_TEST(console.shows("logged out"), console.output());
}

BOOST_AUTO_TEST_SUITE_END()
