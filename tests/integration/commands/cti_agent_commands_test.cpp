// One agent per CTI login against a real store: a login is claimed from registration until the
// agent is rebound or gives it back, enabling claims it again (also for agents from before the
// claim), and of concurrent claims on other nodes exactly one wins. The backfill is tested through
// switchboard-admin (tests/integration/tools/admin_cli_test.cpp).
#include <algorithm>
#include <array>
#include <boost/test/unit_test.hpp>
#include <future>
#include <string>
#include <vector>

#include "commands/cti/agent_commands.hpp"
#include "commands/cti/line_commands.hpp"
#include "tests/support/legacy_cti_agent.hpp"
#include "tests/support/test_database.hpp"

using namespace switchboard;
using commands::cti::AgentCommands;
using Outcome = commands::CommandOutcome;

namespace {

commands::CommandContext context() {
  return {.tenant = {},
          .actor = "operator:test",
          .correlation_id = commands::new_uuid(),
          .causation_id = {},
          .command_id = commands::new_uuid()};
}

bool refused_for_cti_login(const Outcome& o) {
  return o.status == Outcome::Status::rejected && o.rejection.field == "cti_login";
}

// Whether a new agent could be registered on `cti_login` now (it is, when it could).
bool free_for(AgentCommands& agents, const std::string& cti_login, const std::string& probe) {
  return agents.register_agent(probe, cti_login, "secret", context()).ok();
}

struct Stack {
  tests::TestDatabase db;
  eventstore::EventStore store{{.database_url = db.app_url(), .flushers = 1, .readers = 1}};
  AgentCommands agents{store};

  // A call the CTI API reported for each of `cti_logins`, unread by anyone.
  void calls_came_in(const std::vector<std::string>& cti_logins) {
    commands::Pipeline<domain::cti::Line> line_streams(store);
    for (const auto& cti_login : cti_logins) {
      BOOST_REQUIRE(line_streams
                        .execute(cti_login, context(), "received",
                                 [&](const auto& line) {
                                   return domain::cti::decide(
                                       line, domain::cti::RecordReceived{
                                                 cti_login, {R"({"name":"NewCall","cid":"1"})"}});
                                 })
                        .ok());
    }
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(cti_agent_commands)

BOOST_AUTO_TEST_CASE(a_released_cti_login_goes_to_a_new_agent_and_a_held_one_to_nobody) {
  Stack s;
  BOOST_REQUIRE(s.agents.register_agent("alice", "op1", "a", context()).ok());
  BOOST_TEST(refused_for_cti_login(s.agents.register_agent("bob", "op1", "b", context())));

  // An enabled agent keeps it; a disabled one keeps it until it is released.
  BOOST_TEST((s.agents.release_login("alice", context()).status == Outcome::Status::rejected));
  BOOST_REQUIRE(s.agents.disable("alice", context()).ok());
  BOOST_TEST(refused_for_cti_login(s.agents.register_agent("bob", "op1", "b", context())));
  BOOST_REQUIRE(s.agents.release_login("alice", context()).ok());
  BOOST_TEST(s.agents.load("alice").cti_login.empty());

  BOOST_TEST(s.agents.register_agent("bob", "op1", "b", context()).ok());
  const auto carol = s.agents.register_agent("carol", "op1", "c", context());
  BOOST_TEST(refused_for_cti_login(carol));
  BOOST_TEST(carol.rejection.message.find("bob") != std::string::npos, carol.rejection.message);

  // Alice, without a CTI login, stays disabled until she is bound to a free one.
  BOOST_TEST(refused_for_cti_login(s.agents.enable("alice", context())));
  BOOST_TEST(refused_for_cti_login(s.agents.rebind("alice", "op1", context())));
  BOOST_REQUIRE(s.agents.rebind("alice", "op2", context()).ok());
  BOOST_TEST(s.agents.enable("alice", context()).ok());
  BOOST_TEST(s.agents.load("alice").enabled);
  BOOST_TEST(!free_for(s.agents, "op2", "dave"));
}

BOOST_AUTO_TEST_CASE(rebinding_gives_the_old_cti_login_back_and_a_refused_one_keeps_both) {
  Stack s;
  BOOST_REQUIRE(s.agents.register_agent("alice", "op1", "a", context()).ok());
  BOOST_REQUIRE(s.agents.register_agent("bob", "op9", "b", context()).ok());
  // Two calls came in for op1 that alice never read, one for bob's op9.
  commands::cti::LineCommands lines(s.store);
  s.calls_came_in({"op1", "op1", "op9"});

  BOOST_REQUIRE(s.agents.rebind("alice", "op2", context()).ok());
  BOOST_TEST(s.agents.load("alice").cti_login == "op2");
  // What she left unread on op1 is not the next agent's to read; bob's line is untouched.
  BOOST_TEST(lines.acknowledged("op1").value_or(-1) == 2);
  BOOST_TEST(lines.acknowledged("op9").value_or(-1) == 0);
  BOOST_TEST(free_for(s.agents, "op1", "carol"));
  BOOST_TEST(!free_for(s.agents, "op2", "dave"));

  // A rebinding to a held login changes nothing: alice keeps op2, bob op9.
  BOOST_TEST(refused_for_cti_login(s.agents.rebind("alice", "op9", context())));
  BOOST_TEST(s.agents.load("alice").cti_login == "op2");
  BOOST_TEST(!free_for(s.agents, "op2", "dave"));
  // So does one for an agent that does not exist, which takes no claim with it.
  BOOST_TEST((s.agents.rebind("nobody", "op5", context()).status == Outcome::Status::rejected));
  BOOST_TEST(free_for(s.agents, "op5", "erin"));
  BOOST_TEST((s.agents.rebind("alice", "bad login", context()).rejection.field == "cti_login"));
}

BOOST_AUTO_TEST_CASE(rebinding_an_agent_from_before_the_claim_leaves_nothing_unread_on_its_line) {
  Stack s;
  tests::register_unclaimed_agent(s.store, "alice", "op1");
  // bob is from before the claim too, and dave was registered on bob's op3 since.
  tests::register_unclaimed_agent(s.store, "bob", "op3");
  BOOST_REQUIRE(s.agents.register_agent("dave", "op3", "d", context()).ok());
  commands::cti::LineCommands lines(s.store);
  s.calls_came_in({"op1", "op1", "op3"});

  BOOST_REQUIRE(s.agents.rebind("alice", "op2", context()).ok());
  BOOST_TEST(s.agents.load("alice").cti_login == "op2");
  // Claimed on the way and given back: the next agent of op1 does not get alice's calls.
  BOOST_TEST(lines.acknowledged("op1").value_or(-1) == 2);
  BOOST_TEST(free_for(s.agents, "op1", "carol"));
  BOOST_TEST(!free_for(s.agents, "op2", "erin"));

  // op3 is dave's: moving bob off it leaves dave's events and dave's claim alone.
  BOOST_REQUIRE(s.agents.rebind("bob", "op4", context()).ok());
  BOOST_TEST(lines.acknowledged("op3").value_or(-1) == 0);
  const auto taken = s.agents.register_agent("frank", "op3", "f", context());
  BOOST_TEST(refused_for_cti_login(taken));
  BOOST_TEST(taken.rejection.message.find("dave") != std::string::npos, taken.rejection.message);
}

BOOST_AUTO_TEST_CASE(a_release_cut_off_before_the_claim_went_back_is_finished_by_running_it_again) {
  Stack s;
  BOOST_REQUIRE(s.agents.register_agent("alice", "op1", "a", context()).ok());
  BOOST_REQUIRE(s.agents.disable("alice", context()).ok());
  // The agent's event recorded, the claim's not (the process stopped in between).
  commands::Pipeline<domain::cti::Agent> agent_streams(s.store);
  BOOST_REQUIRE(agent_streams
                    .execute("alice", context(), "release-login alice",
                             [](const auto& state) {
                               return domain::cti::decide(state, domain::cti::ReleaseAgentLogin{});
                             })
                    .ok());
  BOOST_TEST(refused_for_cti_login(s.agents.register_agent("bob", "op1", "b", context())));
  BOOST_REQUIRE(s.agents.release_login("alice", context()).ok());
  BOOST_TEST(s.agents.register_agent("bob", "op1", "b", context()).ok());
}

BOOST_AUTO_TEST_CASE(enabling_an_agent_from_before_the_claim_claims_its_login_or_is_refused) {
  Stack s;
  tests::register_unclaimed_agent(s.store, "alice", "op1", false);
  tests::register_unclaimed_agent(s.store, "bob", "op2", false);
  // Nobody holds op1 yet: enabling alice claims it.
  BOOST_REQUIRE(s.agents.enable("alice", context()).ok());
  BOOST_TEST(!free_for(s.agents, "op1", "carol"));
  // op2 went to dave meanwhile: bob stays disabled, and dave keeps op2.
  BOOST_REQUIRE(s.agents.register_agent("dave", "op2", "d", context()).ok());
  const auto refused = s.agents.enable("bob", context());
  BOOST_TEST(refused_for_cti_login(refused));
  BOOST_TEST(refused.rejection.message.find("dave") != std::string::npos,
             refused.rejection.message);
  BOOST_TEST(!s.agents.load("bob").enabled);
}

BOOST_AUTO_TEST_CASE(of_claims_racing_on_two_nodes_for_one_cti_login_exactly_one_wins) {
  Stack s;
  AgentCommands other_node(s.store);
  for (int round = 0; round < 5; ++round) {
    const auto n = std::to_string(round);
    const auto line = "line" + n;
    BOOST_REQUIRE(s.agents.register_agent("old" + n, line, "o", context()).ok());
    BOOST_REQUIRE(s.agents.register_agent("mover" + n, "seat" + n, "m", context()).ok());
    tests::register_unclaimed_agent(s.store, "legacy" + n, line, false);
    BOOST_REQUIRE(s.agents.disable("old" + n, context()).ok());
    BOOST_REQUIRE(s.agents.release_login("old" + n, context()).ok());

    // A registration, a rebinding and the enabling of an agent from before the claim, at once.
    auto registered = std::async(std::launch::async, [&] {
      return s.agents.register_agent("new" + n, line, "n", context());
    });
    auto rebound = std::async(std::launch::async,
                              [&] { return other_node.rebind("mover" + n, line, context()); });
    AgentCommands third_node(s.store);
    auto enabled =
        std::async(std::launch::async, [&] { return third_node.enable("legacy" + n, context()); });
    const std::array outcomes{registered.get(), rebound.get(), enabled.get()};
    BOOST_TEST(std::ranges::count_if(outcomes, [](const Outcome& o) { return o.ok(); }) == 1);
    for (const auto& o : outcomes) {
      if (!o.ok()) BOOST_TEST(refused_for_cti_login(o), o.rejection.message << o.error);
    }
    // The loser of the rebinding keeps its seat; the line is held.
    BOOST_TEST(!free_for(s.agents, line, "probe" + n));
    const bool mover_won = outcomes[1].ok();
    BOOST_TEST(free_for(s.agents, "seat" + n, "seat-probe" + n) == mover_won);
  }
}

BOOST_AUTO_TEST_SUITE_END()
