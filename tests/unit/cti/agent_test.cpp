// Agents and sessions, and password hashing.

#include "domain/cti/agent.hpp"

#include <boost/test/unit_test.hpp>

#include "commands/cti/password.hpp"
#include "domain/cti/cti_login_claim.hpp"
#include "domain/cti/session.hpp"
#include "tools/agent/command_parser.hpp"
#include "tools/agent/replies.hpp"
#include "tools/json_text.hpp"

namespace dc = switchboard::domain::cti;
using switchboard::domain::NewEvent;
using switchboard::domain::Rejection;

BOOST_AUTO_TEST_SUITE(cti_agents)

BOOST_AUTO_TEST_CASE(an_agent_is_registered_once_with_a_valid_login) {
  dc::AgentState s;
  BOOST_TEST(std::get<Rejection>(dc::decide(s, dc::RegisterAgent{"bad login", "op1", "h"})).field ==
             "login");
  BOOST_TEST(std::get<Rejection>(dc::decide(s, dc::RegisterAgent{"alice", "", "h"})).field ==
             "cti_login");
  const auto events =
      std::get<std::vector<NewEvent>>(dc::decide(s, dc::RegisterAgent{"alice", "op1", "h"}));
  for (const auto& e : events) dc::Agent::apply(s, e.type, e.data);
  BOOST_TEST(s.enabled);
  BOOST_TEST(s.cti_login == "op1");
  BOOST_TEST((std::get<Rejection>(dc::decide(s, dc::RegisterAgent{"alice", "op1", "h"})).kind ==
              Rejection::Kind::conflict));
  const auto disabled = dc::decide(s, dc::DisableAgent{});
  for (const auto& e : std::get<std::vector<NewEvent>>(disabled))
    dc::Agent::apply(s, e.type, e.data);
  BOOST_TEST(!s.enabled);
  BOOST_TEST(std::get<std::vector<NewEvent>>(dc::decide(s, dc::DisableAgent{})).empty());
}

BOOST_AUTO_TEST_CASE(a_cti_login_is_claimed_by_one_agent_until_released) {
  dc::CtiLoginClaim::State s;
  const auto apply = [&](const switchboard::domain::Decision& d) {
    for (const auto& e : std::get<std::vector<NewEvent>>(d))
      dc::CtiLoginClaim::apply(s, e.type, e.data);
  };
  apply(dc::decide(s, dc::ClaimCtiLogin{"alice"}));
  BOOST_TEST(s.agent_login == "alice");
  // Alice again (a retried registration) passes without a new event.
  BOOST_TEST(std::get<std::vector<NewEvent>>(dc::decide(s, dc::ClaimCtiLogin{"alice"})).empty());
  const auto refused = std::get<Rejection>(dc::decide(s, dc::ClaimCtiLogin{"bob"}));
  BOOST_TEST((refused.kind == Rejection::Kind::conflict));
  BOOST_TEST(refused.field == "cti_login");
  BOOST_TEST(refused.message.find("alice") != std::string::npos);
  // Only the holder's release frees it.
  BOOST_TEST(std::get<std::vector<NewEvent>>(dc::decide(s, dc::ReleaseCtiLogin{"bob"})).empty());
  apply(dc::decide(s, dc::ReleaseCtiLogin{"alice"}));
  BOOST_TEST(std::get<std::vector<NewEvent>>(dc::decide(s, dc::ClaimCtiLogin{"bob"})).size() == 1u);
}

BOOST_AUTO_TEST_CASE(an_agent_moves_to_another_cti_login_or_gives_its_own_back_once_disabled) {
  dc::AgentState s;
  const auto apply = [&](const switchboard::domain::Decision& d) {
    for (const auto& e : std::get<std::vector<NewEvent>>(d)) dc::Agent::apply(s, e.type, e.data);
  };
  apply(dc::decide(s, dc::RegisterAgent{"alice", "op1", "h"}));
  BOOST_TEST(std::get<Rejection>(dc::decide(s, dc::RebindAgent{"bad login"})).field == "cti_login");
  BOOST_TEST(std::get<std::vector<NewEvent>>(dc::decide(s, dc::RebindAgent{"op1"})).empty());
  apply(dc::decide(s, dc::RebindAgent{"op2"}));
  BOOST_TEST(s.cti_login == "op2");
  BOOST_TEST(s.previous_cti_login == "op1");
  BOOST_TEST(s.enabled);

  // An enabled agent keeps its CTI login.
  const auto in_use = std::get<Rejection>(dc::decide(s, dc::ReleaseAgentLogin{}));
  BOOST_TEST((in_use.kind == Rejection::Kind::conflict));
  apply(dc::decide(s, dc::DisableAgent{}));
  apply(dc::decide(s, dc::ReleaseAgentLogin{}));
  BOOST_TEST(s.cti_login.empty());
  BOOST_TEST(s.previous_cti_login == "op2");
  BOOST_TEST(std::get<std::vector<NewEvent>>(dc::decide(s, dc::ReleaseAgentLogin{})).empty());
  // Without a CTI login it stays disabled until it is bound again.
  BOOST_TEST(std::get<Rejection>(dc::decide(s, dc::EnableAgent{})).field == "cti_login");
  apply(dc::decide(s, dc::RebindAgent{"op3"}));
  BOOST_TEST(s.previous_cti_login.empty());
  apply(dc::decide(s, dc::EnableAgent{}));
  BOOST_TEST(s.enabled);
  BOOST_TEST(s.cti_login == "op3");

  BOOST_TEST((std::get<Rejection>(dc::decide(dc::AgentState{}, dc::RebindAgent{"op1"})).kind ==
              Rejection::Kind::not_found));
  BOOST_TEST((std::get<Rejection>(dc::decide(dc::AgentState{}, dc::ReleaseAgentLogin{})).kind ==
              Rejection::Kind::not_found));
}

BOOST_AUTO_TEST_CASE(a_session_is_active_until_it_ends_or_expires) {
  dc::SessionState s;
  const auto started =
      std::get<std::vector<NewEvent>>(dc::decide(s, dc::StartSession{"alice", "op1", 100, 200}));
  for (const auto& e : started) dc::Session::apply(s, e.type, e.data);
  BOOST_TEST(s.active_at(150));
  BOOST_TEST(!s.active_at(200));
  const auto ended = dc::decide(s, dc::EndSession{"logout"});
  for (const auto& e : std::get<std::vector<NewEvent>>(ended))
    dc::Session::apply(s, e.type, e.data);
  BOOST_TEST(!s.active_at(150));
}

BOOST_AUTO_TEST_CASE(passwords_verify_only_against_their_own_hash) {
  namespace cc = switchboard::commands::cti;
  const auto hash = cc::hash_password("correct horse");
  BOOST_TEST(hash.starts_with("scrypt$"));
  BOOST_TEST(cc::verify_password("correct horse", hash));
  BOOST_TEST(!cc::verify_password("correct horsE", hash));
  BOOST_TEST(cc::hash_password("correct horse") != hash);  // salted
  BOOST_TEST(!cc::verify_password("x", "scrypt$1$2"));
  BOOST_TEST(!cc::verify_password("x", ""));
}

BOOST_AUTO_TEST_CASE(the_agent_cli_turns_typed_commands_into_control_bodies) {
  namespace agent = switchboard::tools::agent;
  BOOST_TEST(std::get<std::string>(*agent::control_body("answer 12")) ==
             R"({"name":"Answer","cid":"12"})");
  BOOST_TEST(std::get<std::string>(*agent::control_body("hold 3 off")) ==
             R"({"name":"Hold","cid":"3","on":false})");
  BOOST_TEST(std::get<std::string>(*agent::control_body("transfer 3 +4930")) ==
             R"({"name":"Transfer","cid":"3","phoneNumber":"+4930"})");
  BOOST_TEST(std::holds_alternative<agent::ParseError>(*agent::control_body("hold 3 maybe")));
  BOOST_TEST(std::holds_alternative<agent::ParseError>(*agent::control_body("answer")));
  BOOST_TEST(std::holds_alternative<agent::ParseError>(*agent::control_body("dance")));
  BOOST_TEST(!agent::control_body("   ").has_value());
}

BOOST_AUTO_TEST_CASE(the_agent_cli_reads_unexpected_replies_as_nothing_instead_of_crashing) {
  namespace agent = switchboard::tools::agent;
  for (const std::string body : {"", "<html>bad gateway</html>", "[]", "5", "{}",
                                 R"({"token":5,"ctiLogin":"op1"})", R"({"token":"t"})"}) {
    BOOST_TEST(!agent::parse_login_reply(body).has_value(), body);
  }
  const auto session = agent::parse_login_reply(R"({"token":"t","ctiLogin":"op1","login":"a"})");
  BOOST_REQUIRE(session.has_value());
  BOOST_TEST(session->cti_login == "op1");

  for (const std::string body : {"", "[]", R"({"events":[]})", R"({"events":{},"cursor":1})",
                                 R"({"events":[],"cursor":"1"})"}) {
    BOOST_TEST(!agent::parse_events_reply(body).has_value(), body);
  }
  // Events that are not objects are shown as they are.
  const auto batch = agent::parse_events_reply(
      R"({"events":[{"seq":3,"name":"NewCall","cid":"2","state":"new"},7,"x"],"cursor":3})");
  BOOST_REQUIRE(batch.has_value());
  BOOST_TEST(batch->cursor == 3);
  BOOST_REQUIRE(batch->lines.size() == 3u);
  BOOST_TEST(batch->lines[0].starts_with("<< [3] NewCall cid=2 state=new"));
  BOOST_TEST(batch->lines[1] == "<< []  7");
}

BOOST_AUTO_TEST_CASE(the_agent_cli_reads_a_503_as_the_server_temporarily_unavailable) {
  namespace agent = switchboard::tools::agent;
  BOOST_TEST(!agent::parse_unavailable(500, R"({"title":"internal error"})", "1").has_value());
  BOOST_TEST(!agent::parse_unavailable(204, "", "").has_value());

  const auto outage = agent::parse_unavailable(
      503,
      R"({"type":"about:blank","title":"database unavailable","status":503,"detail":"the events cannot be read: the database cannot be reached; retry"})",
      "1");
  BOOST_REQUIRE(outage.has_value());
  BOOST_TEST(outage->notice ==
             "the server is temporarily unavailable: the events cannot be read: the database "
             "cannot be reached; retry; retry after 1 s");
  BOOST_TEST(outage->retry_after.count() == 1);

  // The title when there is no detail; a long Retry-After is shown as sent, waited at most 60 s.
  const auto busy = agent::parse_unavailable(503, R"({"title":"busy"})", "300");
  BOOST_REQUIRE(busy.has_value());
  BOOST_TEST(busy->notice == "the server is temporarily unavailable: busy; retry after 300 s");
  BOOST_TEST(busy->retry_after.count() == 60);

  // A proxy's page without Retry-After, or with a date: shown, asked again after a second.
  const auto proxy = agent::parse_unavailable(503, "<html>no backend</html>", "");
  BOOST_REQUIRE(proxy.has_value());
  BOOST_TEST(proxy->notice ==
             "the server is temporarily unavailable: HTTP 503 <html>no backend</html>");
  BOOST_TEST(proxy->retry_after.count() == 1);
  const auto dated =
      agent::parse_unavailable(503, R"({"title":"x"})", "Wed, 21 Oct 2026 07:28:00 GMT");
  BOOST_REQUIRE(dated.has_value());
  BOOST_TEST(dated->notice.ends_with("; retry after Wed, 21 Oct 2026 07:28:00 GMT"));
  BOOST_TEST(dated->retry_after.count() == 1);
}

// The agent CLI and the fake CTI server read members alike: cid as a string or a number.
BOOST_AUTO_TEST_CASE(the_cti_tools_read_strings_numbers_and_flags_as_text) {
  rapidjson::Document d;
  d.Parse(R"({"cid":"7","n":42,"on":true,"off":false,"x":1.5,"o":{},"empty":""})");
  using switchboard::tools::text;
  BOOST_TEST(text(d, "cid") == "7");
  BOOST_TEST(text(d, "n") == "42");
  BOOST_TEST(text(d, "on") == "true");
  BOOST_TEST(text(d, "off") == "false");
  for (const char* none : {"x", "o", "empty", "absent"}) BOOST_TEST(text(d, none).empty(), none);
  rapidjson::Document array;
  array.Parse("[1]");
  BOOST_TEST(text(array, "cid").empty());

  const auto batch = switchboard::tools::agent::parse_events_reply(
      R"({"events":[{"seq":4,"name":"CallStatus","cid":9,"state":"connected","direction":"in",)"
      R"("hold":true,"muted":false,"displayName":"Bob"}],"cursor":4})");
  BOOST_REQUIRE(batch.has_value());
  BOOST_TEST(batch->lines.at(0) ==
             "<< [4] CallStatus cid=9 state=connected direction=in hold=true muted=false 'Bob'");
}

BOOST_AUTO_TEST_SUITE_END()
