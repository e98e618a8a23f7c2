// The CTI line aggregate: what agents may send, which calls they may touch, acknowledgements.

#include "domain/cti/line.hpp"

#include <boost/test/unit_test.hpp>

namespace dc = switchboard::domain::cti;
using switchboard::domain::NewEvent;
using switchboard::domain::Rejection;

namespace {

dc::LineState replay(const std::vector<std::pair<std::string, std::string>>& events) {
  dc::LineState s;
  for (const auto& [type, data] : events) dc::Line::apply(s, type, data);
  return s;
}

std::string received(const std::string& message) {
  return R"({"login":"op1","message":)" + message + "}";
}

const Rejection& rejection(const switchboard::domain::Decision& d) {
  return std::get<Rejection>(d);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cti_line)

BOOST_AUTO_TEST_CASE(parse_control_accepts_each_allowed_command_with_its_fields) {
  const auto hold =
      std::get<dc::ControlCommand>(dc::parse_control(R"({"name":"Hold","cid":7,"on":true})"));
  BOOST_TEST(hold.name == "Hold");
  BOOST_TEST(*hold.cid == "7");
  BOOST_TEST(*hold.on);
  const auto call = std::get<dc::ControlCommand>(
      dc::parse_control(R"({"name":"MakeCall","phoneNumber":"+4930"})"));
  BOOST_TEST(*call.phone_number == "+4930");
  BOOST_TEST(
      std::holds_alternative<dc::ControlCommand>(dc::parse_control(R"({"name":"GetCalls"})")));
}

BOOST_AUTO_TEST_CASE(parse_control_names_the_field_at_fault) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {R"({"name":"Reboot"})", "/name"},
      {R"({"cid":"1"})", "/name"},
      {R"({"name":"Answer"})", "/cid"},
      {R"({"name":"Answer","cid":true})", "/cid"},
      {R"({"name":"Mute","cid":"1"})", "/on"},
      {R"({"name":"Transfer","cid":"1"})", "/phoneNumber"},
      {R"({"name":"MakeCall","phoneNumber":"12 34"})", "/phoneNumber"},
      {R"({"name":"ChangeUserState","state":"a b"})", "/state"},
      {R"({"name":"GetCalls","login":"op2"})", "/login"},
      {R"({"name":"GetCalls","rid":"x"})", "/rid"},
  };
  for (const auto& [body, field] : cases) {
    const auto parsed = dc::parse_control(body);
    BOOST_REQUIRE_MESSAGE(std::holds_alternative<Rejection>(parsed), body);
    BOOST_TEST(std::get<Rejection>(parsed).field == field, body);
  }
  BOOST_TEST(std::holds_alternative<Rejection>(dc::parse_control("not json")));
  BOOST_TEST(std::holds_alternative<Rejection>(dc::parse_control("[1]")));
}

BOOST_AUTO_TEST_CASE(the_middleware_fills_login_and_rid) {
  const auto command =
      std::get<dc::ControlCommand>(dc::parse_control(R"({"name":"Answer","cid":"3"})"));
  const auto message = dc::cti_message(command, "op1", "rid-1");
  BOOST_TEST(message == R"({"name":"Answer","rid":"rid-1","login":"op1","cid":"3"})");
}

BOOST_AUTO_TEST_CASE(only_calls_the_cti_api_reported_for_the_login_may_be_named) {
  auto state =
      replay({{"CtiEventReceived", received(R"({"name":"NewCall","cid":2,"state":"new"})")}});
  BOOST_TEST(state.calls.contains("2"));
  const auto answer =
      std::get<dc::ControlCommand>(dc::parse_control(R"({"name":"Answer","cid":"2"})"));
  const auto ok = dc::decide(state, dc::IssueCommand{answer, "r1"});
  BOOST_TEST(std::get<std::vector<NewEvent>>(ok).front().type == "CtiCommandIssued");
  const auto other =
      std::get<dc::ControlCommand>(dc::parse_control(R"({"name":"Answer","cid":"99"})"));
  BOOST_TEST((rejection(dc::decide(state, dc::IssueCommand{other, "r2"})).kind ==
              Rejection::Kind::forbidden));
  // A Calls snapshot replaces what was known; OnClose forgets a call.
  dc::Line::apply(state, "CtiEventReceived",
                  received(R"({"name":"Calls","calls":[{"cid":"5","state":"connected"}]})"));
  BOOST_TEST(state.calls.at("2") == "ended");
  BOOST_TEST(state.calls.at("5") == "connected");
  dc::Line::apply(state, "CtiEventReceived", received(R"({"name":"OnClose","cid":"5"})"));
  BOOST_TEST(!state.calls.contains("5"));
}

BOOST_AUTO_TEST_CASE(acknowledgements_move_forward_only_up_to_what_exists) {
  auto state = replay({{"CtiEventReceived", received(R"({"name":"UserState"})")},
                       {"CtiEventReceived", received(R"({"name":"Calls","calls":[]})")}});
  BOOST_TEST(state.last_event_seq == 2);
  BOOST_TEST(rejection(dc::decide(state, dc::Acknowledge{3})).field == "after");
  const auto events = std::get<std::vector<NewEvent>>(dc::decide(state, dc::Acknowledge{2}));
  BOOST_REQUIRE(events.size() == 1u);
  dc::Line::apply(state, events[0].type, events[0].data);
  BOOST_TEST(state.acked_seq == 2);
  BOOST_TEST(std::get<std::vector<NewEvent>>(dc::decide(state, dc::Acknowledge{1})).empty());
}

BOOST_AUTO_TEST_CASE(recording_refuses_messages_that_are_not_named_objects) {
  const auto ok =
      dc::decide(dc::LineState{}, dc::RecordReceived{"op1", {R"({"name":"NewCall","cid":1})"}});
  BOOST_TEST(std::get<std::vector<NewEvent>>(ok).size() == 1u);
  BOOST_TEST(std::holds_alternative<Rejection>(
      dc::decide(dc::LineState{}, dc::RecordReceived{"op1", {R"({"cid":1})"}})));
  BOOST_TEST(std::holds_alternative<Rejection>(
      dc::decide(dc::LineState{}, dc::RecordReceived{"op1", {"[]"}})));
}

BOOST_AUTO_TEST_CASE(a_snapshot_restores_the_state_it_was_taken_of) {
  const auto state = replay({{"CtiEventReceived", received(R"({"name":"NewCall","cid":"7"})")},
                             {"CtiEventReceived", received(R"({"name":"NewCall","cid":"8"})")},
                             {"CtiEventsAcknowledged", R"({"upTo":1})"}});
  const auto restored = dc::Line::restore(dc::Line::snapshot(state));
  BOOST_REQUIRE(restored.has_value());
  BOOST_TEST(restored->version == 3);
  BOOST_TEST(restored->last_event_seq == 2);
  BOOST_TEST(restored->acked_seq == 1);
  BOOST_TEST(restored->calls == state.calls);
  BOOST_TEST(restored->calls.size() == 2u);

  // Text it cannot read is no snapshot: the stream is then read from its start.
  BOOST_TEST(!dc::Line::restore("not json").has_value());
  BOOST_TEST(!dc::Line::restore(R"({"version":3,"lastEventSeq":2,"ackedSeq":1})").has_value());
  BOOST_TEST(!dc::Line::restore(R"({"version":3,"lastEventSeq":2,"ackedSeq":1,"calls":{"7":1}})")
                  .has_value());
}

BOOST_AUTO_TEST_CASE(a_commands_answer_is_recorded_but_is_no_event_for_the_agent) {
  BOOST_TEST(rejection(dc::decide(dc::LineState{}, dc::RecordAnswer{"", "ok", "Ok", ""})).field ==
             "rid");
  auto s = replay({{"CtiEventReceived", received(R"({"name":"UserState","login":"op1"})")}});
  const auto events = std::get<std::vector<NewEvent>>(
      dc::decide(s, dc::RecordAnswer{"n-1", "error", "Error", "unknown cid"}));
  BOOST_REQUIRE(events.size() == 1u);
  BOOST_TEST(events[0].type == "CtiCommandAnswered");
  BOOST_TEST(events[0].data ==
             R"({"rid":"n-1","status":"error","reply":"Error","description":"unknown cid"})");
  for (const auto& e : events) dc::Line::apply(s, e.type, e.data);
  // Its seq is not one the agent was handed out.
  BOOST_TEST(s.last_event_seq == 1);
  BOOST_TEST(rejection(dc::decide(s, dc::Acknowledge{2})).field == "after");
}

BOOST_AUTO_TEST_SUITE_END()
