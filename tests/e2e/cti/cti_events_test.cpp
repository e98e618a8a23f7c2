// GET /api/v1/events and POST /api/v1/control end to end: isolation between agents,
// acknowledgement by `after`, long-poll, and no events lost when the CTI server restarts.

#include <boost/test/unit_test.hpp>
#include <future>

#include "tests/e2e/cti/agent_feed.hpp"

namespace cti = switchboard::tests::e2e::cti;
namespace e2e = switchboard::tests::e2e;

namespace {

std::string command(const std::string& name, const std::string& cid) {
  return R"({"name":")" + name + R"(","cid":")" + cid + R"("})";
}

// Reads the attach snapshot and whatever follows it: the cursor of a quiet line.
std::int64_t quiet_cursor(cti::AgentFeed& feed) {
  BOOST_REQUIRE(feed.wait_for("Conferences") != nullptr);
  while (feed.poll(0) == 200) {
  }
  return feed.cursor();
}

// A long-poll of up to 20 s after `cursor`, held while the test goes on.
std::future<e2e::HttpResponse> long_poll(const e2e::Endpoint& endpoint, const std::string& token,
                                         std::int64_t cursor) {
  return std::async(std::launch::async, [=] {
    return cti::get_events(endpoint, token, "after=" + std::to_string(cursor) + "&wait=20");
  });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cti_events)

BOOST_AUTO_TEST_CASE(an_agent_answers_and_hangs_up_while_the_other_sees_none_of_it) {
  cti::CtiStack stack;
  stack.create_agent("alice", "op1", "alice-secret");
  stack.create_agent("bob", "op2", "bob-secret");
  const auto endpoint = stack.server().endpoint();
  const auto alice_token = stack.login("alice", "alice-secret");
  const auto bob_token = stack.login("bob", "bob-secret");
  cti::AgentFeed alice{endpoint, alice_token};
  cti::AgentFeed bob{endpoint, bob_token};

  const auto cid = stack.cti().incoming("op1", "+4930123456");
  const auto* call = alice.wait_for("NewCall");
  BOOST_REQUIRE(call != nullptr);
  BOOST_TEST(call->cid == cid);

  // Bob can touch Alice's call neither by its cid nor by naming her login.
  const auto stolen =
      cti::post_json(endpoint, "/api/v1/control", command("Answer", cid), bob_token);
  BOOST_TEST(stolen.status == 403);
  BOOST_TEST(stolen.text().find("/cid") != std::string::npos);
  BOOST_TEST(cti::post_json(endpoint, "/api/v1/control",
                            R"({"name":"Answer","cid":")" + cid + R"(","login":"op1"})", bob_token)
                 .status == 400);

  BOOST_TEST(
      cti::post_json(endpoint, "/api/v1/control", command("Answer", cid), alice_token).status ==
      200);
  BOOST_TEST(alice.wait_for("CallStatus", "connected") != nullptr);
  BOOST_TEST(
      cti::post_json(endpoint, "/api/v1/control", command("Hangup", cid), alice_token).status ==
      200);
  BOOST_TEST(alice.wait_for("CallStatus", "ended") != nullptr);

  // Bob's feed holds only op2's own session events.
  while (bob.poll(1) == 200) {
  }
  for (const auto& e : bob.events()) {
    BOOST_TEST(e.login == "op2", e.json);
    BOOST_TEST(e.name != "NewCall");
  }
  for (const auto& e : alice.events()) BOOST_TEST(e.login == "op1", e.json);
  // Nothing Bob did reached the CTI API for op1.
  const auto state = stack.cti().state();
  for (const auto& c : state["commands"].GetArray()) {
    if (std::string{c["name"].GetString()} == "Answer") {
      BOOST_TEST(std::string{c["login"].GetString()} == "op1");
    }
  }
}

BOOST_AUTO_TEST_CASE(acknowledged_events_are_never_handed_out_again_unacknowledged_ones_are) {
  cti::CtiStack stack;
  stack.create_agent("alice", "op1", "alice-secret");
  const auto endpoint = stack.server().endpoint();
  const auto token = stack.login("alice", "alice-secret");
  stack.cti().incoming("op1", "100");
  cti::AgentFeed feed{endpoint, token};
  BOOST_REQUIRE(feed.wait_for("NewCall") != nullptr);
  const auto last = feed.cursor();

  // A response lost on the way (the agent never acknowledged): asking again without `after`
  // hands the same events out again.
  const auto again = cti::get_events(endpoint, token);
  BOOST_TEST(again.status == 200);
  BOOST_TEST(cti::parse(again.text())["cursor"].GetInt64() == last);

  // Acknowledged: gone for good, also without `after` on later calls.
  BOOST_TEST(cti::get_events(endpoint, token, "after=" + std::to_string(last)).status == 204);
  BOOST_TEST(cti::get_events(endpoint, token).status == 204);
  // Acknowledging what was never handed out is refused.
  const auto ahead = cti::get_events(endpoint, token, "after=" + std::to_string(last + 100));
  BOOST_TEST(ahead.status == 400);
  BOOST_TEST(ahead.text().find("after") != std::string::npos);
  BOOST_TEST(cti::get_events(endpoint, token, "after=abc").status == 400);
  BOOST_TEST(cti::get_events(endpoint, token, "after=-1").status == 400);
}

BOOST_AUTO_TEST_CASE(a_wait_above_the_servers_limit_is_clamped_and_a_malformed_one_refused) {
  // A 6 s request timeout leaves a 1 s long-poll limit: the agent CLI's wait=20 must still work.
  cti::CtiStack stack{e2e::Settings{{"http.request_timeout_ms", "6000"}}};
  stack.create_agent("alice", "op1", "alice-secret");
  const auto endpoint = stack.server().endpoint();
  const auto token = stack.login("alice", "alice-secret");
  cti::AgentFeed feed{endpoint, token};
  const auto cursor = std::to_string(quiet_cursor(feed));
  for (const auto* wait : {"20", "100000", "99999999999999999"}) {
    const auto r = cti::get_events(endpoint, token, "after=" + cursor + "&wait=" + wait);
    BOOST_TEST(r.status == 204, wait << ": " << r.text());
  }
  for (const auto* wait : {"-1", "abc", "1.5", ""}) {
    const auto r = cti::get_events(endpoint, token, "after=" + cursor + "&wait=" + wait);
    BOOST_TEST(r.status == 400, wait << ": " << r.text());
    BOOST_TEST(r.text().find("wait") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(a_long_poll_returns_as_soon_as_an_event_arrives) {
  cti::CtiStack stack;
  stack.create_agent("alice", "op1", "alice-secret");
  const auto endpoint = stack.server().endpoint();
  const auto token = stack.login("alice", "alice-secret");
  cti::AgentFeed feed{endpoint, token};
  const auto cursor = quiet_cursor(feed);
  auto waiting = long_poll(endpoint, token, cursor);
  std::this_thread::sleep_for(std::chrono::milliseconds{500});
  const auto started = std::chrono::steady_clock::now();
  stack.cti().incoming("op1", "200");
  const auto r = waiting.get();
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.text().find("NewCall") != std::string::npos);
  BOOST_TEST((std::chrono::steady_clock::now() - started < std::chrono::seconds{15}));
}

BOOST_AUTO_TEST_CASE(a_server_stopped_with_long_polls_held_answers_them_503_and_exits_cleanly) {
  cti::CtiStack stack;
  stack.create_agent("alice", "op1", "alice-secret");
  const auto endpoint = stack.server().endpoint();
  const auto token = stack.login("alice", "alice-secret");
  cti::AgentFeed feed{endpoint, token};
  const auto cursor = quiet_cursor(feed);
  std::vector<std::future<e2e::HttpResponse>> held;
  for (int i = 0; i < 4; ++i) {
    held.push_back(long_poll(endpoint, token, cursor));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds{500});
  // It used to crash here: the held requests were answered after the HTTP server had stopped.
  BOOST_TEST(stack.server().stop() == 0);
  // Told apart from a wait in which nothing arrived: the agent asks again (another node, or this
  // one once it is back) instead of taking the shutdown for a quiet line.
  for (auto& held_poll : held) {
    const auto r = held_poll.get();
    BOOST_TEST(r.status == 503, r.text());
    BOOST_TEST(r.header("Content-Type").value_or("").starts_with("application/problem+json"));
    BOOST_TEST(r.header("Retry-After").has_value());
    if (r.status == 503) {
      BOOST_TEST(std::string{cti::parse(r.text())["title"].GetString()} == "shutting down");
    }
  }
}

BOOST_AUTO_TEST_CASE(a_cti_server_restart_costs_no_events) {
  cti::CtiStack stack;
  stack.create_agent("alice", "op1", "alice-secret");
  const auto endpoint = stack.server().endpoint();
  const auto token = stack.login("alice", "alice-secret");
  stack.cti().incoming("op1", "before-restart");
  // Wait until the event is recorded (handed out), without acknowledging it.
  BOOST_REQUIRE(cti::eventually([&] {
    return cti::get_events(endpoint, token).text().find("before-restart") != std::string::npos;
  }));

  stack.cti().restart();
  BOOST_REQUIRE_MESSAGE(cti::eventually([&] { return stack.cti().attached("op1"); }),
                        "the connector did not re-attach op1 after the restart");
  const auto cid = stack.cti().incoming("op1", "after-restart");

  cti::AgentFeed feed{endpoint, token};
  BOOST_REQUIRE(cti::eventually([&] {
    feed.poll(1);
    for (const auto& e : feed.events()) {
      if (e.name == "NewCall" && e.cid == cid && e.json.find("after-restart") != std::string::npos)
        return true;
    }
    return false;
  }));
  int before = 0;
  std::int64_t previous = 0;
  for (const auto& e : feed.events()) {
    if (e.json.find("before-restart") != std::string::npos) ++before;
    BOOST_TEST(e.seq > previous);  // in order, none twice
    previous = e.seq;
  }
  BOOST_TEST(before >= 1);
  // The restarted server knows the call, so the agent controls it through the new connection.
  BOOST_TEST(cti::post_json(endpoint, "/api/v1/control", command("Answer", cid), token).status ==
             200);
}

BOOST_AUTO_TEST_SUITE_END()
