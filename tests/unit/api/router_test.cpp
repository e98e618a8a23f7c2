#include "api/http/router.hpp"

#include <boost/test/unit_test.hpp>

namespace http = switchboard::api::http;

BOOST_AUTO_TEST_SUITE(router)

BOOST_AUTO_TEST_CASE(records_routes_with_their_parameter_names_and_options) {
  http::Router router;
  router.add(http::Method::get, "/admin/v1/tenants/:tenant/things/:id",
             [](const http::Request&) { return http::json(200, "{}"); });
  router.add_async(http::Method::post, "/admin/v1/things",
                   [](http::Request, http::Responder respond) { respond(http::json(202, "{}")); },
                   {.body_schema = "thing", .max_body_bytes = 10});
  BOOST_REQUIRE(router.routes().size() == 2u);
  const auto& get = router.routes()[0];
  BOOST_TEST(get.route == "/admin/v1/tenants/:tenant/things/:id");
  BOOST_TEST((get.param_names == std::vector<std::string>{"tenant", "id"}));
  const auto& post = router.routes()[1];
  BOOST_TEST(post.options.body_schema == "thing");
  BOOST_TEST(post.options.max_body_bytes == 10u);
}

BOOST_AUTO_TEST_CASE(synchronous_handlers_answer_through_the_responder) {
  http::Router router;
  router.add(http::Method::get, "/x",
             [](const http::Request& r) { return http::json(200, r.params.at("id")); });
  http::Request request;
  request.params["id"] = "7";
  std::optional<http::Response> answer;
  auto admitted = router.routes()[0].gate.admit(request);
  std::get<http::AsyncHandler>(admitted)(request,
                                         [&answer](http::Response r) { answer = std::move(r); });
  BOOST_REQUIRE(answer.has_value());
  BOOST_TEST(answer->body == "7");
}

BOOST_AUTO_TEST_CASE(routes_with_a_credential_admit_the_callers_it_accepts_and_hand_them_over) {
  http::Router router;
  const http::Credential<std::string> caller_header{
      [](const http::Request& r) -> std::variant<std::string, http::Response> {
        if (const auto who = r.header("X-Caller")) return std::string{*who};
        return http::problem(401, "unauthorized");
      },
      {}};
  router.add(
      http::Method::post, "/x", caller_header,
      [](const http::Request&, const std::string& caller) { return http::json(200, caller); });

  http::Request anonymous;
  auto refused = router.routes()[0].gate.admit(anonymous);
  BOOST_REQUIRE(std::holds_alternative<http::Response>(refused));
  BOOST_TEST(std::get<http::Response>(refused).status == 401);

  http::Request known;
  known.headers.emplace_back("x-caller", "ann");
  auto admitted = router.routes()[0].gate.admit(known);
  BOOST_REQUIRE(std::holds_alternative<http::AsyncHandler>(admitted));
  std::optional<http::Response> answer;
  std::get<http::AsyncHandler>(admitted)(known,
                                         [&answer](http::Response r) { answer = std::move(r); });
  BOOST_REQUIRE(answer.has_value());
  BOOST_TEST(answer->body == "ann");
}

BOOST_AUTO_TEST_CASE(refuses_duplicates_and_malformed_templates) {
  http::Router router;
  const auto h = [](const http::Request&) { return http::json(200, "{}"); };
  router.add(http::Method::get, "/a", h);
  router.add(http::Method::post, "/a", h);
  BOOST_CHECK_THROW(router.add(http::Method::get, "/a", h), std::invalid_argument);
  BOOST_CHECK_THROW(router.add(http::Method::get, "a", h), std::invalid_argument);
  BOOST_CHECK_THROW(router.add(http::Method::get, "/b/:", h), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(percent_decoding) {
  BOOST_TEST(http::percent_decode("a%20b%2Fc").value() == "a b/c");
  BOOST_TEST(http::percent_decode("plain+text").value() == "plain+text");
  BOOST_TEST(!http::percent_decode("bad%2").has_value());
  BOOST_TEST(!http::percent_decode("bad%zz").has_value());
  BOOST_TEST(!http::percent_decode("%").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
