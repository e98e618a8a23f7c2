// POST /api/v1/control: every allowed command reaches the CTI API with the middleware's rid and
// login; refusals, silence and malformed bodies map to HTTP errors.

#include <boost/test/unit_test.hpp>
#include <pqxx/pqxx>
#include <set>

#include "tests/e2e/cti/agent_feed.hpp"

namespace cti = switchboard::tests::e2e::cti;
namespace e2e = switchboard::tests::e2e;

namespace {

struct Connected {
  cti::CtiStack stack;
  std::string token;
  std::string cid;

  Connected() {
    stack.create_agent("alice", "op1", "alice-secret");
    token = stack.login("alice", "alice-secret");
    cid = stack.cti().incoming("op1", "300");
    cti::AgentFeed feed{stack.server().endpoint(), token};
    BOOST_REQUIRE(feed.wait_for("NewCall") != nullptr);
  }

  e2e::HttpResponse control(const std::string& body) {
    return cti::post_json(stack.server().endpoint(), "/api/v1/control", body, token);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(cti_control)

BOOST_AUTO_TEST_CASE(every_allowed_command_reaches_the_cti_api_with_rid_and_login) {
  Connected c;
  const std::vector<std::string> bodies{
      R"({"name":"Answer","cid":")" + c.cid + R"("})",
      R"({"name":"Hold","cid":")" + c.cid + R"(","on":true})",
      R"({"name":"Hold","cid":)" + c.cid + R"(,"on":false})",
      R"({"name":"Mute","cid":")" + c.cid + R"(","on":true})",
      R"({"name":"Transfer","cid":")" + c.cid + R"(","phoneNumber":"0001"})",
      R"({"name":"ChangeUserState","state":"away","reason":"lunch"})",
      R"({"name":"GetCalls"})",
      R"({"name":"GetUserState"})",
      R"({"name":"MakeCall","phoneNumber":"+4930999"})",
      R"({"name":"Hangup","cid":")" + c.cid + R"("})",
      R"({"name":"Close","cid":")" + c.cid + R"("})",
  };
  for (const auto& body : bodies) {
    const auto r = c.control(body);
    BOOST_TEST(r.status == 200, body << " -> " << r.status << " " << r.text());
  }
  const auto state = c.stack.cti().state();
  std::set<std::string> names;
  std::set<std::string> rids;
  std::size_t agent_commands = 0;
  for (const auto& m : state["commands"].GetArray()) {
    const std::string name = m["name"].GetString();
    rids.insert(m["rid"].GetString());
    if (name == "SetProtocolVersion" || name == "AttachToUser" || name == "DetachFromUser")
      continue;
    ++agent_commands;
    names.insert(name);
    BOOST_TEST(std::string{m["login"].GetString()} == "op1");
  }
  BOOST_TEST(agent_commands == bodies.size());
  BOOST_TEST(rids.size() == state["commands"].GetArray().Size());  // every rid its own
  for (const char* n : {"Answer", "Hold", "Mute", "Transfer", "ChangeUserState", "GetCalls",
                        "GetUserState", "MakeCall", "Hangup", "Close"}) {
    BOOST_TEST(names.contains(n), n);
  }
}

BOOST_AUTO_TEST_CASE(an_error_reply_is_502_and_silence_is_504) {
  Connected c;
  BOOST_REQUIRE(c.stack.cti().control("/mode", R"({"reply":"error"})").status == 200);
  const auto refused = c.control(R"({"name":"GetCalls"})");
  BOOST_TEST(refused.status == 502);
  BOOST_TEST(refused.header("Content-Type").value_or("") == "application/problem+json");
  BOOST_TEST(refused.text().find("refused (scripted)") != std::string::npos);

  BOOST_REQUIRE(c.stack.cti().control("/mode", R"({"reply":"silent"})").status == 200);
  BOOST_TEST(c.control(R"({"name":"GetCalls"})").status == 504);

  BOOST_REQUIRE(c.stack.cti().control("/mode", R"({"reply":"normal"})").status == 200);
  BOOST_TEST(c.control(R"({"name":"GetCalls"})").status == 200);
}

BOOST_AUTO_TEST_CASE(each_commands_outcome_is_in_the_audit_trail_but_not_in_the_feed) {
  Connected c;
  const auto ok = c.control(R"({"name":"Answer","cid":")" + c.cid + R"("})");
  BOOST_REQUIRE(ok.status == 200);
  const std::string ok_rid = cti::parse(ok.text())["rid"].GetString();
  BOOST_REQUIRE(c.stack.cti().control("/mode", R"({"reply":"error"})").status == 200);
  BOOST_REQUIRE(c.control(R"({"name":"GetUserState"})").status == 502);

  // Recorded before the agent got its answer, next to the command in the line's stream.
  pqxx::connection db(c.stack.server().database().admin_url());
  const auto rows = pqxx::read_transaction(db).exec(
      "SELECT data->>'rid', data->>'status', data->>'reply', data->>'description' FROM events"
      " WHERE stream_id = 'ctiline-op1' AND event_type = 'CtiCommandAnswered'"
      " ORDER BY stream_version");
  BOOST_REQUIRE(rows.size() == 2u);
  BOOST_TEST(rows[0][0].as<std::string>() == ok_rid);
  BOOST_TEST(rows[0][1].as<std::string>() == "ok");
  BOOST_TEST(rows[0][2].as<std::string>() == "Ok");
  BOOST_TEST(rows[1][1].as<std::string>() == "error");
  BOOST_TEST(rows[1][2].as<std::string>() == "Error");
  BOOST_TEST(rows[1][3].as<std::string>().find("refused (scripted)") != std::string::npos);

  // The agent's events are the CTI API's messages only.
  cti::AgentFeed feed{c.stack.server().endpoint(), c.token};
  while (feed.poll(1) == 200) {
  }
  for (const auto& e : feed.events()) {
    BOOST_TEST(e.json.find("\"rid\"") == std::string::npos, e.json);
    BOOST_TEST(e.json.find(ok_rid) == std::string::npos, e.json);
  }
}

BOOST_AUTO_TEST_CASE(malformed_or_disallowed_bodies_are_400_and_reach_nothing) {
  Connected c;
  const auto before = c.stack.cti().state()["commands"].GetArray().Size();
  const std::vector<std::pair<std::string, std::string>> cases{
      {"{", ""},
      {"[]", ""},
      {R"({"cid":"1"})", "/name"},
      {R"({"name":"Reboot"})", "/name"},
      {R"({"name":"DetachFromUser"})", "/name"},
      {R"({"name":"Answer"})", "/cid"},
      {R"({"name":"Answer","cid":{"x":1}})", "/cid"},
      {R"({"name":"Hold","cid":")" + c.cid + R"("})", "/on"},
      {R"({"name":"Hold","cid":")" + c.cid + R"(","on":"yes"})", "/on"},
      {R"({"name":"MakeCall"})", "/phoneNumber"},
      {R"({"name":"MakeCall","phoneNumber":"call me"})", "/phoneNumber"},
      {R"({"name":"ChangeUserState"})", "/state"},
      {R"({"name":"GetCalls","rid":"mine"})", "/rid"},
      {R"({"name":"GetCalls","login":"op2"})", "/login"},
  };
  for (const auto& [body, field] : cases) {
    const auto r = c.control(body);
    BOOST_TEST(r.status == 400, body << " -> " << r.status);
    if (!field.empty())
      BOOST_TEST(r.text().find(field) != std::string::npos, body << ": " << r.text());
  }
  e2e::HttpRequest garbage{.method = "POST",
                           .target = "/api/v1/control",
                           .headers = {},
                           .body = "not gzip",
                           .gzip_body = false};
  garbage.headers = {{"Content-Type", "application/json"},
                     {"Content-Encoding", "gzip"},
                     {"Authorization", "Bearer " + c.token}};
  BOOST_TEST(e2e::send(c.stack.server().endpoint(), garbage).status == 400);
  BOOST_TEST(c.stack.cti().state()["commands"].GetArray().Size() == before);
}

BOOST_AUTO_TEST_SUITE_END()
