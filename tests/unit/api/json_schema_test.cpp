#include "api/http/json_schema.hpp"

#include <rapidjson/document.h>

#include <boost/test/unit_test.hpp>

namespace http = switchboard::api::http;

namespace {

constexpr std::string_view login_schema = R"({
  "$schema": "http://json-schema.org/draft-04/schema#",
  "type": "object",
  "required": ["login", "password"],
  "additionalProperties": false,
  "properties": {
    "login": {"type": "string", "minLength": 1},
    "password": {"type": "string"},
    "chat": {
      "type": "object",
      "required": ["id"],
      "properties": {
        "id": {"type": "string"},
        "kind": {"enum": ["personal", "group"]}
      }
    },
    "owner": {"$ref": "common.json#/definitions/user"}
  }
})";

constexpr std::string_view common_schema = R"({
  "definitions": {
    "user": {"type": "object", "required": ["id"],
             "properties": {"id": {"type": "integer", "minimum": 1}}}
  }
})";

const http::SchemaRegistry& registry() {
  static const http::SchemaFiles files{{"common.json", common_schema},
                                       {"login.json", login_schema}};
  static const http::SchemaRegistry r{files};
  return r;
}

struct Outcome {
  int status;
  std::string title;
  std::string detail;
  std::vector<std::pair<std::string, std::string>> errors;
};

Outcome refuse(std::string_view body) {
  const auto response = registry().validate("login", body);
  BOOST_REQUIRE_MESSAGE(response.has_value(), "expected a refusal for " << body);
  BOOST_TEST(response->content_type == "application/problem+json");
  rapidjson::Document d;
  d.Parse(response->body.c_str());
  BOOST_REQUIRE(!d.HasParseError());
  Outcome o{d["status"].GetInt(),
            d["title"].GetString(),
            d.HasMember("detail") ? d["detail"].GetString() : "",
            {}};
  if (d.HasMember("errors")) {
    for (const auto& e : d["errors"].GetArray()) {
      o.errors.emplace_back(e["field"].GetString(), e["message"].GetString());
    }
  }
  return o;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(json_schema)

BOOST_AUTO_TEST_CASE(accepts_a_valid_body) {
  BOOST_TEST(!registry().validate("login", R"({"login":"a","password":"b"})").has_value());
  BOOST_TEST(!registry()
                  .validate("login.json",
                            R"({"login":"a","password":"b","chat":{"id":"c"},"owner":{"id":2}})")
                  .has_value());
}

BOOST_AUTO_TEST_CASE(names_every_missing_required_property) {
  const auto o = refuse(R"({})");
  BOOST_TEST(o.status == 400);
  BOOST_REQUIRE(o.errors.size() == 2u);
  BOOST_TEST(o.errors[0].first == "/login");
  BOOST_TEST(o.errors[0].second == "is required");
  BOOST_TEST(o.errors[1].first == "/password");
  BOOST_TEST(o.detail.find("/login is required") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(names_a_missing_nested_property_by_its_full_pointer) {
  const auto o = refuse(R"({"login":"a","password":"b","chat":{}})");
  BOOST_REQUIRE(o.errors.size() == 1u);
  BOOST_TEST(o.errors[0].first == "/chat/id");
}

BOOST_AUTO_TEST_CASE(names_a_field_of_the_wrong_type) {
  const auto o = refuse(R"({"login":"a","password":"b","chat":{"id":5}})");
  BOOST_REQUIRE(o.errors.size() == 1u);
  BOOST_TEST(o.errors[0].first == "/chat/id");
  BOOST_TEST(o.errors[0].second == "must be of type string");
  BOOST_TEST(o.title == "invalid request body");
}

BOOST_AUTO_TEST_CASE(explains_enum_length_and_unknown_property_failures) {
  auto o = refuse(R"({"login":"a","password":"b","chat":{"id":"c","kind":"x"}})");
  BOOST_TEST(o.errors.at(0).first == "/chat/kind");
  BOOST_TEST(o.errors.at(0).second == R"(must be one of ["personal","group"])");

  o = refuse(R"({"login":"","password":"b"})");
  BOOST_TEST(o.errors.at(0).first == "/login");
  BOOST_TEST(o.errors.at(0).second == "must be at least 1 characters long");

  o = refuse(R"({"login":"a","password":"b","extra":1})");
  BOOST_TEST(o.errors.at(0).first == "/extra");
  BOOST_TEST(o.errors.at(0).second == "is not allowed");

  o = refuse(R"({"login":"a","password":"b","extra":{"nested":1}})");
  BOOST_REQUIRE(o.errors.size() == 1u);
  BOOST_TEST(o.errors.at(0).first == "/extra");
}

BOOST_AUTO_TEST_CASE(follows_references_into_other_schema_files) {
  auto o = refuse(R"({"login":"a","password":"b","owner":{"id":"seven"}})");
  BOOST_TEST(o.errors.at(0).first == "/owner/id");
  // A member the other file requires is named too.
  o = refuse(R"({"login":"a","password":"b","owner":{}})");
  BOOST_TEST(o.errors.at(0).first == "/owner/id");
  BOOST_TEST(o.errors.at(0).second == "is required");
}

BOOST_AUTO_TEST_CASE(refuses_a_body_that_is_not_an_object) {
  const auto o = refuse(R"([1,2])");
  BOOST_TEST(o.errors.at(0).first == "");
  BOOST_TEST(o.errors.at(0).second == "must be of type object");
}

BOOST_AUTO_TEST_CASE(reports_malformed_json_with_its_offset) {
  auto o = refuse(R"({"login": "a",, })");
  BOOST_TEST(o.status == 400);
  BOOST_TEST(o.title == "malformed JSON");
  BOOST_TEST(o.detail.find("offset 14") != std::string::npos, o.detail);
  BOOST_REQUIRE_EQUAL(o.errors.size(), 1u);
  BOOST_TEST(o.errors[0].first == "");

  o = refuse("");
  BOOST_TEST(o.title == "malformed JSON");

  o = refuse(R"({"login":"a"} trailing)");
  BOOST_TEST(o.title == "malformed JSON");

  o = refuse("{\"login\":\"\xff\"}");
  BOOST_TEST(o.title == "malformed JSON");
}

BOOST_AUTO_TEST_CASE(refuses_deep_nesting_before_parsing) {
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  const auto o = refuse(deep);
  BOOST_TEST(o.title == "malformed JSON");
  BOOST_TEST(o.detail.find("nesting deeper than 64") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_unknown_schema_is_a_server_error) {
  const auto r = registry().validate("nope", "{}");
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(r->status == 500);
}

BOOST_AUTO_TEST_CASE(broken_schemas_are_refused_at_construction) {
  const http::SchemaFiles bad_json{{"x.json", "{"}};
  BOOST_CHECK_THROW(http::SchemaRegistry{bad_json}, std::runtime_error);
  const http::SchemaFiles bad_ref{{"x.json", R"({"$ref": "missing.json#/a"})"}};
  BOOST_CHECK_THROW(http::SchemaRegistry{bad_ref}, std::runtime_error);
}

BOOST_AUTO_TEST_CASE(every_schema_in_api_schemas_compiles) {
  BOOST_TEST(http::builtin_schemas().contains("problem"));
  BOOST_TEST(!http::validate_body("problem", R"({"type":"about:blank","title":"t","status":400})")
                  .has_value());
  const auto refusal = http::validate_body("problem", R"({"type":"about:blank","title":"t"})");
  BOOST_REQUIRE(refusal.has_value());
  BOOST_TEST(refusal->body.find(R"("field":"/status")") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(json_content_types) {
  BOOST_TEST(!http::check_json_content_type("application/json").has_value());
  BOOST_TEST(!http::check_json_content_type("Application/JSON; charset=utf-8").has_value());
  BOOST_TEST(!http::check_json_content_type("application/merge-patch+json").has_value());
  const auto r = http::check_json_content_type("text/plain");
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(r->status == 415);
  BOOST_TEST(http::check_json_content_type(std::nullopt)->status == 415);
  BOOST_TEST(http::check_json_content_type("application/+json")->status == 415);
}

BOOST_AUTO_TEST_SUITE_END()
