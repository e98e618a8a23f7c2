#include "api/routes/command_response.hpp"

#include <rapidjson/document.h>

#include <boost/test/unit_test.hpp>

#include "domain/json.hpp"

namespace routes = switchboard::api::routes;
namespace http = switchboard::api::http;
using switchboard::commands::CommandOutcome;
using switchboard::domain::Rejection;

namespace {

// The `field` of each error in a problem answer, in order.
std::vector<std::string> problem_fields(const http::Response& r) {
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  std::vector<std::string> fields;
  if (!d.IsObject() || !d.HasMember("errors")) return fields;
  for (const auto& e : d["errors"].GetArray()) fields.emplace_back(e["field"].GetString());
  return fields;
}

CommandOutcome refused(Rejection::Kind kind, std::string field,
                       std::vector<switchboard::domain::FieldProblem> problems = {}) {
  CommandOutcome outcome;
  outcome.status = CommandOutcome::Status::rejected;
  outcome.rejection = Rejection{kind, "refused", std::move(field), std::move(problems)};
  return outcome;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(body_fields)

BOOST_AUTO_TEST_CASE(names_each_member_present_by_its_pointer_under_the_prefix) {
  const auto item = switchboard::domain::parse(R"({"chat_id":"c","status":"read"})");
  const auto at_top = routes::body_fields(item);
  BOOST_TEST(at_top.at("chat_id") == "/chat_id");
  BOOST_TEST(at_top.at("status") == "/status");
  BOOST_TEST(!at_top.contains("message_id"));  // absent: the domain's name stays
  const auto in_bulk = routes::body_fields(item, "/items/3/status");
  BOOST_TEST(in_bulk.at("chat_id") == "/items/3/status/chat_id");
  BOOST_TEST(in_bulk.size() == 2u);
}

BOOST_AUTO_TEST_CASE(escapes_names_as_json_pointer_tokens) {
  const auto names = routes::body_fields(switchboard::domain::parse(R"({"a/b":1,"c~d":2})"), "/x");
  BOOST_TEST(names.at("a/b") == "/x/a~1b");
  BOOST_TEST(names.at("c~d") == "/x/c~0d");
}

BOOST_AUTO_TEST_CASE(names_nothing_for_a_body_that_is_not_an_object) {
  BOOST_TEST(routes::body_fields(switchboard::domain::parse("[1,2]")).empty());
  http::Request request;
  request.body = "{not json";
  BOOST_TEST(routes::body_fields(request).empty());
}

BOOST_AUTO_TEST_CASE(a_request_names_its_top_level_body_members) {
  http::Request request;
  request.body = R"({"provider_code":"p","token":"t"})";
  const auto names = routes::body_fields(request);
  BOOST_TEST(names.at("provider_code") == "/provider_code");
  BOOST_TEST(names.at("token") == "/token");
}

BOOST_AUTO_TEST_CASE(a_refusal_names_body_fields_by_pointer_and_the_rest_as_the_domain_does) {
  const auto names =
      routes::body_fields(switchboard::domain::parse(R"({"status":"x"})"), "/items/0/status");
  const auto r = routes::respond(
      refused(Rejection::Kind::invalid, "status", {{"message_id", "no such message"}}), {}, names);
  BOOST_TEST(r.status == 400);
  BOOST_TEST(r.content_type == "application/problem+json");
  BOOST_TEST(
      problem_fields(r) == (std::vector<std::string>{"/items/0/status/status", "message_id"}),
      boost::test_tools::per_element());
  BOOST_TEST(routes::respond(refused(Rejection::Kind::not_found, "status"), {}).status == 404);
  BOOST_TEST(problem_fields(routes::respond(refused(Rejection::Kind::conflict, "status"), {})) ==
                 std::vector<std::string>{"status"},
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_unreachable_store_is_a_passing_outage_and_a_refusing_one_a_fault) {
  CommandOutcome unreachable;
  unreachable.status = CommandOutcome::Status::unavailable;
  unreachable.error = "database unreachable: connection refused";
  const auto r = routes::respond(unreachable, {});
  BOOST_TEST(r.status == 503);
  BOOST_TEST(r.content_type == "application/problem+json");
  BOOST_TEST(r.body.find(R"("title":"database unavailable")") != std::string::npos, r.body);
  BOOST_TEST((r.headers == std::vector<std::pair<std::string, std::string>>{{"Retry-After", "1"}}));
  CommandOutcome refusing;
  refusing.status = CommandOutcome::Status::failed;
  refusing.error = "ERROR: refused";
  const auto failed = routes::respond(refusing, {});
  BOOST_TEST(failed.status == 500);
  BOOST_TEST(failed.headers.empty());
}

BOOST_AUTO_TEST_SUITE_END()
