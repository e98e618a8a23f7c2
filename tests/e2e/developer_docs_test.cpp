// The developer portal's documentation (seed 000) from the real binary over sockets: both
// languages of the OpenAPI document and the guides, negotiation, caching, rendering on first use.

#include <boost/test/unit_test.hpp>
#include <future>
#include <vector>

#include "tests/e2e/provider_platform/provider_api.hpp"
#include "tests/e2e/support/http_client.hpp"
#include "tests/e2e/support/server_process.hpp"

namespace e2e = switchboard::tests::e2e;

namespace {

std::string summary_of_receive_message(const e2e::HttpResponse& response) {
  const auto spec = e2e::json_of(response);
  BOOST_REQUIRE_MESSAGE(spec.IsObject(), "not a JSON document: " << response.text().substr(0, 200));
  return spec["paths"]["/public/v1/messages"]["post"]["summary"].GetString();
}

}  // namespace

// One server for every case: the documents are the same whoever asks.
BOOST_FIXTURE_TEST_SUITE(developer_docs, e2e::ServerProcess)

BOOST_AUTO_TEST_CASE(the_openapi_document_is_served_in_russian_and_english_without_credentials) {
  const auto russian = e2e::get(endpoint(), "/developer/v1/docs/openapi.json?lang=ru");
  BOOST_TEST(russian.status == 200);
  BOOST_TEST(russian.header("Content-Type").value_or("") == "application/json; charset=utf-8");
  BOOST_TEST(russian.header("Content-Language").value_or("") == "ru");
  BOOST_TEST(summary_of_receive_message(russian) == "Провайдер получил сообщение");

  const auto english = e2e::get(endpoint(), "/developer/v1/docs/openapi.json?lang=en");
  BOOST_TEST(english.status == 200);
  BOOST_TEST(english.header("Content-Language").value_or("") == "en");
  BOOST_TEST(summary_of_receive_message(english) == "A message was received");

  // Self-contained: the JSON Schemas of api/schemas are components, not files a portal lacks.
  const auto spec = e2e::json_of(english);
  BOOST_TEST(spec["components"]["schemas"].HasMember("public_message"));
  BOOST_TEST(english.text().find("../api/schemas") == std::string::npos);

  const auto yaml = e2e::get(endpoint(), "/developer/v1/docs/openapi.yaml?lang=ru");
  BOOST_TEST(yaml.status == 200);
  BOOST_TEST(yaml.header("Content-Type").value_or("") == "application/yaml; charset=utf-8");
  BOOST_TEST(yaml.text().starts_with("openapi: 3.1.0\n"));
  BOOST_TEST(yaml.text().find("summary: Провайдер получил сообщение") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(accept_language_chooses_and_an_unsupported_one_falls_back_to_russian) {
  const auto english = e2e::get(endpoint(), "/developer/v1/docs/openapi.json",
                                {{"Accept-Language", "en-US,en;q=0.9"}});
  BOOST_TEST(english.header("Content-Language").value_or("") == "en");
  BOOST_TEST(summary_of_receive_message(english) == "A message was received");
  BOOST_TEST(english.header("Vary").value_or("") == "Accept-Language, Accept-Encoding");

  for (const auto& header : std::vector<std::pair<std::string, std::string>>{
           {"Accept-Language", "de-DE,fr;q=0.8"}, {"X-None", "no Accept-Language at all"}}) {
    const auto fallback = e2e::get(endpoint(), "/developer/v1/docs/openapi.json", {header});
    BOOST_TEST(fallback.status == 200);
    BOOST_TEST(fallback.header("Content-Language").value_or("") == "ru");
    BOOST_TEST(summary_of_receive_message(fallback) == "Провайдер получил сообщение");
  }

  // `lang` wins over the header.
  const auto chosen =
      e2e::get(endpoint(), "/developer/v1/docs/openapi.json?lang=en", {{"Accept-Language", "ru"}});
  BOOST_TEST(chosen.header("Content-Language").value_or("") == "en");
}

BOOST_AUTO_TEST_CASE(an_unsupported_lang_is_a_problem_naming_lang) {
  const auto response = e2e::get(endpoint(), "/developer/v1/docs/openapi.yaml?lang=de");
  BOOST_TEST(response.status == 400);
  BOOST_TEST(response.header("Content-Type").value_or("") == "application/problem+json");
  const auto problem = e2e::json_of(response);
  BOOST_TEST(problem["errors"][0]["field"].GetString() == std::string("lang"));
}

BOOST_AUTO_TEST_CASE(caches_revalidate_with_the_etag_of_each_language) {
  const auto first = e2e::get(endpoint(), "/developer/v1/docs/openapi.yaml?lang=ru");
  const auto etag = first.header("ETag").value_or("");
  // Weak: the gzip coding of the body is the same representation and carries the same tag.
  BOOST_TEST(etag.starts_with("W/\""));
  BOOST_TEST(etag.size() == 36u);
  const auto gzipped = e2e::get(endpoint(), "/developer/v1/docs/openapi.yaml?lang=ru",
                                {{"Accept-Encoding", "gzip"}, {"If-None-Match", "\"other\""}});
  BOOST_TEST(gzipped.header("Content-Encoding").value_or("") == "gzip");
  BOOST_TEST(gzipped.header("ETag").value_or("") == etag);
  BOOST_TEST(first.header("Cache-Control").value_or("") == "public, max-age=300");

  const auto again = e2e::get(endpoint(), "/developer/v1/docs/openapi.yaml?lang=ru");
  BOOST_TEST(again.header("ETag").value_or("") == etag);

  const auto unchanged =
      e2e::get(endpoint(), "/developer/v1/docs/openapi.yaml?lang=ru", {{"If-None-Match", etag}});
  BOOST_TEST(unchanged.status == 304);
  BOOST_TEST(unchanged.body.empty());
  BOOST_TEST(unchanged.header("ETag").value_or("") == etag);

  // Another language is another representation: the Russian tag does not match it.
  const auto english =
      e2e::get(endpoint(), "/developer/v1/docs/openapi.yaml?lang=en", {{"If-None-Match", etag}});
  BOOST_TEST(english.status == 200);
  BOOST_TEST(english.header("ETag").value_or("") != etag);
}

BOOST_AUTO_TEST_CASE(the_guides_are_listed_and_served_in_both_languages) {
  const auto index = e2e::get(endpoint(), "/developer/v1/docs/guides");
  BOOST_TEST(index.status == 200);
  BOOST_TEST(index.header("ETag").has_value());
  const auto list = e2e::json_of(index);
  std::vector<std::string> names;
  for (const auto& guide : list["guides"].GetArray()) names.emplace_back(guide["name"].GetString());
  BOOST_TEST(names == (std::vector<std::string>{"messaging", "provider-integration"}),
             boost::test_tools::per_element());
  const auto& integration = list["guides"][1]["languages"];
  BOOST_TEST(integration["ru"]["url"].GetString() ==
             std::string("/developer/v1/docs/guides/provider-integration.ru.md"));

  const auto russian = e2e::get(endpoint(), integration["ru"]["url"].GetString());
  BOOST_TEST(russian.status == 200);
  BOOST_TEST(russian.header("Content-Type").value_or("") == "text/markdown; charset=utf-8");
  BOOST_TEST(
      russian.text().starts_with("# " + std::string(integration["ru"]["title"].GetString())));
  const auto english = e2e::get(endpoint(), integration["en"]["url"].GetString());
  BOOST_TEST(english.text().starts_with("# Provider integration guide"));

  // By name the language is negotiated like the OpenAPI document's.
  const auto negotiated = e2e::get(endpoint(), "/developer/v1/docs/guides/provider-integration",
                                   {{"Accept-Language", "en"}});
  BOOST_TEST(negotiated.header("Content-Language").value_or("") == "en");
  BOOST_TEST(negotiated.text() == english.text());
  const auto by_default = e2e::get(endpoint(), "/developer/v1/docs/guides/provider-integration");
  BOOST_TEST(by_default.text() == russian.text());

  const auto unknown = e2e::get(endpoint(), "/developer/v1/docs/guides/billing.ru.md");
  BOOST_TEST(unknown.status == 404);
  BOOST_TEST(e2e::json_of(unknown)["errors"][0]["field"].GetString() == std::string("name"));
}

BOOST_AUTO_TEST_SUITE_END()

// The documents are rendered on the first request, not at start-up: requests that come at once
// to a fresh server share one rendering and all get the same document.
BOOST_AUTO_TEST_CASE(first_requests_at_once_get_one_rendering) {
  const e2e::ServerProcess server;
  std::vector<std::future<e2e::HttpResponse>> answers;
  for (int i = 0; i < 8; ++i) {
    answers.push_back(std::async(std::launch::async, [&server, i] {
      return e2e::get(server.endpoint(), i % 2 == 0 ? "/developer/v1/docs/openapi.json?lang=en"
                                                    : "/developer/v1/docs/guides");
    }));
  }
  std::vector<e2e::HttpResponse> responses;
  for (auto& answer : answers) responses.push_back(answer.get());
  for (std::size_t i = 0; i < responses.size(); ++i) {
    BOOST_TEST(responses[i].status == 200);
    BOOST_TEST(responses[i].body == responses[i % 2].body);
    BOOST_TEST(responses[i].header("ETag").value_or("") ==
               responses[i % 2].header("ETag").value_or("-"));
  }
  BOOST_TEST(summary_of_receive_message(responses[0]) == "A message was received");
}
