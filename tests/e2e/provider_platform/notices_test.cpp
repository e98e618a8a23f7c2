// Update notices to providers over a real socket: the operator or the marketplace publishes,
// each provider's developer lists the notices that concern their provider and acknowledges
// them, with a read state of their own.
#include "tests/e2e/provider_platform/provider_api.hpp"

using namespace switchboard;
using namespace switchboard::tests::e2e;

namespace {

std::string notice_body(const std::string& title, const std::string& providers = "[]") {
  return R"({"title":{"ru":")" + title + " (ru)" + R"(","en":")" + title +
         R"("},"body":{"ru":"Текст","en":"Text"},"api_version":"v1",)"
         R"("effective_date":"2027-03-01","providers":)" +
         providers + R"(,"endpoints":["set_webhook"]})";
}

std::string notices_path(const std::string& code, const std::string& query = {}) {
  return "/developer/v1/providers/" + code + "/notices" + query;
}

std::string acknowledgement_path(const std::string& code, const std::string& notice_id) {
  return notices_path(code) + "/" + notice_id + "/acknowledgement";
}

std::string published_id(const HttpResponse& r) {
  BOOST_REQUIRE_MESSAGE(r.status == 201, r.text());
  return json_of(r)["notice_id"].GetString();
}

// The notice ids of a page, in order.
std::vector<std::string> ids(const HttpResponse& r) {
  std::vector<std::string> out;
  for (const auto& n : json_of(r)["items"].GetArray()) out.emplace_back(n["notice_id"].GetString());
  return out;
}

std::size_t items(const HttpResponse& r) {
  const auto d = json_of(r);
  return d.IsObject() && d.HasMember("items") ? d["items"].Size() : 0;
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(a_notice_is_validated_and_published_only_by_the_operator_or_marketplace,
                        ProviderApi) {
  const auto bad = admin.call("POST", "/admin/v1/notices",
                              R"({"title":{"ru":"","en":"New"},"body":{"ru":"a","en":"b"},)"
                              R"("api_version":"v 1","effective_date":"2027-02-30",)"
                              R"("providers":["chatline","Chat Line"],"endpoints":["fax"]})");
  BOOST_TEST(bad.status == 400, bad.text());
  BOOST_TEST(bad.header("Content-Type").value_or("").starts_with("application/problem+json"));
  const std::vector<std::string> expected{"/title/ru", "/api_version", "/effective_date",
                                          "/providers/1", "/endpoints/0"};
  BOOST_TEST(problem_fields(bad) == expected, boost::test_tools::per_element());
  // The schema: a required member missing, an unknown one.
  const auto missing = admin.call("POST", "/admin/v1/notices",
                                  R"({"title":{"ru":"a","en":"b"},"body":{"ru":"a","en":"b"}})");
  BOOST_TEST(missing.status == 400);
  BOOST_TEST(mentions(missing, "api_version"), missing.text());
  const auto unknown =
      admin.call("POST", "/admin/v1/notices",
                 notice_body("x").substr(0, notice_body("x").size() - 1) + R"(,"urgent":true})");
  BOOST_TEST(unknown.status == 400);
  BOOST_TEST(mentions(unknown, "urgent"), unknown.text());

  BOOST_TEST(developer("dev-1").call("POST", "/admin/v1/notices", notice_body("x")).status == 403);
  BOOST_TEST(marketplace.call("POST", "/admin/v1/notices", notice_body("x")).status == 403);
  BOOST_TEST(
      ApiClient(server.endpoint(), "").call("POST", "/admin/v1/notices", notice_body("x")).status ==
      401);
  BOOST_TEST(developer("dev-1").call("POST", "/internal/v1/notices", notice_body("x")).status ==
             403);
  BOOST_TEST(events("event_type = 'ProviderNoticePublished'") == 0);

  const auto published = admin.call("POST", "/admin/v1/notices", notice_body("Contract v2"));
  const auto id = published_id(published);
  const auto d = json_of(published);
  BOOST_TEST(d["title"]["en"].GetString() == std::string("Contract v2"));
  BOOST_TEST(d["effective_date"].GetString() == std::string("2027-03-01"));
  BOOST_TEST(d["providers"].Size() == 0u);
  BOOST_TEST(d["endpoints"][0].GetString() == std::string("set_webhook"));

  // The marketplace publishes too; a retry with its Idempotency-Key names the same notice.
  const std::vector<std::pair<std::string, std::string>> key{{"Idempotency-Key", "notice-7"}};
  const auto first =
      published_id(marketplace.call("POST", "/internal/v1/notices", notice_body("Again"), key));
  const auto retry =
      published_id(marketplace.call("POST", "/internal/v1/notices", notice_body("Again"), key));
  BOOST_TEST(first == retry);
  BOOST_TEST(first != id);
  BOOST_TEST(marketplace.call("POST", "/internal/v1/notices", notice_body("Other"), key).status ==
             409);
  BOOST_TEST(events("event_type = 'ProviderNoticePublished'") == 2);
}

BOOST_FIXTURE_TEST_CASE(each_developer_reads_their_providers_notices_with_their_own_state,
                        ProviderApi) {
  provider("app-1", "chatline", "dev-1");
  provider("app-2", "otherline", "dev-2");
  const auto dev1 = developer("dev-1");
  const auto dev2 = developer("dev-2");

  const auto everyone = published_id(admin.call("POST", "/admin/v1/notices", notice_body("All")));
  const auto only_chatline = published_id(
      admin.call("POST", "/admin/v1/notices", notice_body("Chatline", R"(["chatline"])")));

  // Newest first; both unread.
  const auto listed =
      until(dev1, notices_path("chatline"), [](const HttpResponse& r) { return items(r) == 2; });
  const std::vector<std::string> newest_first{only_chatline, everyone};
  BOOST_TEST(ids(listed) == newest_first, boost::test_tools::per_element());
  const auto first = json_of(listed);
  BOOST_TEST(!first["items"][0]["read"].GetBool());
  BOOST_TEST(first["items"][0]["acknowledged_at"].IsNull());
  BOOST_TEST(first["items"][0]["title"]["ru"].GetString() == std::string("Chatline (ru)"));
  BOOST_TEST(first["items"][0]["providers"][0].GetString() == std::string("chatline"));

  // Another provider sees only the notice for everyone; another developer's provider is a 404.
  const auto other =
      until(dev2, notices_path("otherline"), [](const HttpResponse& r) { return items(r) == 1; });
  BOOST_TEST(ids(other).front() == everyone);
  BOOST_TEST(dev2.call("GET", notices_path("chatline")).status == 404);
  BOOST_TEST(dev2.call("POST", acknowledgement_path("chatline", only_chatline)).status == 404);
  const auto not_theirs = dev2.call("POST", acknowledgement_path("otherline", only_chatline));
  BOOST_TEST(not_theirs.status == 404);
  BOOST_TEST(problem_fields(not_theirs) == std::vector<std::string>{"notice_id"},
             boost::test_tools::per_element());
  BOOST_TEST(admin.call("GET", notices_path("chatline")).status == 403);

  // Acknowledging marks it read for this developer only, once.
  const auto acknowledged = dev1.call("POST", acknowledgement_path("chatline", only_chatline));
  BOOST_TEST(acknowledged.status == 200, acknowledged.text());
  BOOST_TEST(json_of(acknowledged)["read"].GetBool());
  BOOST_TEST(dev1.call("POST", acknowledgement_path("chatline", only_chatline)).status == 200);
  BOOST_TEST(events("event_type = 'ProviderNoticeAcknowledged'") == 1);

  const auto unread = until(dev1, notices_path("chatline", "?unread=true"),
                            [](const HttpResponse& r) { return items(r) == 1; });
  BOOST_TEST(ids(unread).front() == everyone);
  const auto all = dev1.call("GET", notices_path("chatline"));
  BOOST_TEST(json_of(all)["items"][0]["read"].GetBool());
  BOOST_TEST(json_of(all)["items"][0]["acknowledged_at"].IsString());
  BOOST_TEST(!json_of(all)["items"][1]["read"].GetBool());
  // dev-2's copy of the notice for everyone is still unread.
  BOOST_TEST(items(dev2.call("GET", notices_path("otherline", "?unread=true"))) == 1u);

  // Pages of one, then the rest.
  const auto page1 = dev1.call("GET", notices_path("chatline", "?limit=1"));
  BOOST_TEST(ids(page1).front() == only_chatline);
  const std::string cursor = json_of(page1)["next_cursor"].GetString();
  const auto page2 = dev1.call("GET", notices_path("chatline", "?limit=1&cursor=" + cursor));
  BOOST_TEST(ids(page2).front() == everyone);
  BOOST_TEST(json_of(page2)["next_cursor"].IsNull());

  // Bad input names its parameter and changes nothing.
  const auto bad_filter = dev1.call("GET", notices_path("chatline", "?unread=yes"));
  BOOST_TEST(bad_filter.status == 400);
  BOOST_TEST(problem_fields(bad_filter) == std::vector<std::string>{"unread"},
             boost::test_tools::per_element());
  BOOST_TEST(dev1.call("GET", notices_path("chatline", "?cursor=abc")).status == 400);
  const auto malformed = dev1.call("POST", acknowledgement_path("chatline", "not-a-notice"));
  BOOST_TEST(malformed.status == 400);
  BOOST_TEST(problem_fields(malformed) == std::vector<std::string>{"notice_id"},
             boost::test_tools::per_element());
  BOOST_TEST(
      dev1.call("POST", acknowledgement_path("chatline", "00000000-0000-4000-8000-000000000000"))
          .status == 404);
  BOOST_TEST(events("event_type = 'ProviderNoticeAcknowledged'") == 1);
}
