#include <rapidjson/document.h>

#include <boost/test/unit_test.hpp>

#include "api/http/types.hpp"

namespace http = switchboard::api::http;

namespace {

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str());
  BOOST_REQUIRE(!d.HasParseError());
  return d;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(problem_responses)

BOOST_AUTO_TEST_CASE(carries_every_rfc7807_member_and_the_field_errors) {
  const auto r = http::problem(400, "invalid request body", "the body does not match",
                               {{"/chat/id", "is required"}, {"X-Api-Key", "is missing"}});
  BOOST_TEST(r.status == 400);
  BOOST_TEST(r.content_type == "application/problem+json");
  const auto d = parse(r.body);
  BOOST_TEST(d["type"].GetString() == std::string{"about:blank"});
  BOOST_TEST(d["title"].GetString() == std::string{"invalid request body"});
  BOOST_TEST(d["status"].GetInt() == 400);
  BOOST_TEST(d["detail"].GetString() == std::string{"the body does not match"});
  BOOST_REQUIRE(d["errors"].IsArray());
  BOOST_REQUIRE(d["errors"].Size() == 2u);
  BOOST_TEST(d["errors"][0]["field"].GetString() == std::string{"/chat/id"});
  BOOST_TEST(d["errors"][0]["message"].GetString() == std::string{"is required"});
  BOOST_TEST(d["errors"][1]["field"].GetString() == std::string{"X-Api-Key"});
}

BOOST_AUTO_TEST_CASE(leaves_out_empty_detail_and_errors) {
  const auto d = parse(http::problem(404, "not found").body);
  BOOST_TEST(!d.HasMember("detail"));
  BOOST_TEST(!d.HasMember("errors"));
  BOOST_TEST(d["status"].GetInt() == 404);
}

BOOST_AUTO_TEST_CASE(escapes_text_into_valid_json) {
  const auto d = parse(http::problem(400, "quote \" and \\ and \n", "ctrl \x01").body);
  BOOST_TEST(d["title"].GetString() == std::string{"quote \" and \\ and \n"});
  BOOST_TEST(d["detail"].GetString() == std::string{"ctrl \x01"});
}

BOOST_AUTO_TEST_CASE(json_helper_sets_status_and_type) {
  const auto r = http::json(201, R"({"id":1})");
  BOOST_TEST(r.status == 201);
  BOOST_TEST(r.content_type == "application/json");
  BOOST_TEST(r.body == R"({"id":1})");
}

BOOST_AUTO_TEST_CASE(request_headers_are_case_insensitive_and_query_gives_the_first_value) {
  http::Request r;
  r.headers = {{"Content-Type", "application/json"}, {"x-request-id", "a"}};
  r.query = {{"page", "2"}, {"tag", "x"}, {"tag", "y"}};
  BOOST_TEST(r.header("content-type").value() == "application/json");
  BOOST_TEST(r.header("X-Request-ID").value() == "a");
  BOOST_TEST(!r.header("Accept").has_value());
  BOOST_TEST(r.query_param("page").value() == "2");
  BOOST_TEST(r.query_param("tag").value() == "x");
  BOOST_TEST(!r.query_param("nope").has_value());
}

// One parser for the authenticator, the CTI sessions and the error log: a token one of them
// takes is the token the others see.
BOOST_AUTO_TEST_CASE(a_bearer_token_is_read_in_any_case_of_the_scheme_and_nothing_else_is) {
  BOOST_TEST(http::bearer_token("Bearer abc").value() == "abc");
  BOOST_TEST(http::bearer_token("bEARER abc").value() == "abc");
  BOOST_TEST(http::bearer_token(" Bearer \t abc \t").value() == "abc");
  BOOST_TEST(!http::bearer_token("").has_value());
  BOOST_TEST(!http::bearer_token("Bearer").has_value());
  BOOST_TEST(!http::bearer_token("Bearer  \t ").has_value());
  BOOST_TEST(!http::bearer_token("Bearerabc").has_value());
  BOOST_TEST(!http::bearer_token("Basic YWxhZGRpbjpvcGVuc2VzYW1l").has_value());
}

BOOST_AUTO_TEST_CASE(method_names_and_reason_phrases) {
  BOOST_TEST(http::to_string(http::Method::del) == "DELETE");
  BOOST_TEST(http::to_string(http::Method::patch) == "PATCH");
  BOOST_TEST(http::reason_phrase(413) == "Content Too Large");
  BOOST_TEST(http::reason_phrase(799) == "Unknown");
}

BOOST_AUTO_TEST_SUITE_END()
