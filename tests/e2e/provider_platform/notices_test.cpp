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
  // Named: a range-for keeps only the array view alive, not the document it points into.
  const auto d = json_of(r);
  for (const auto& n : d["items"].GetArray()) out.emplace_back(n["notice_id"].GetString());
  return out;
}

std::size_t items(const HttpResponse& r) {
  const auto d = json_of(r);
  return d.IsObject() && d.HasMember("items") ? d["items"].Size() : 0;
}

// Providers chatline (dev-1's) and otherline (dev-2's), and their developers' clients.
struct TwoProviders : ProviderApi {
  TwoProviders() {
    provider("app-1", "chatline", "dev-1");
    provider("app-2", "otherline", "dev-2");
  }
  ApiClient dev1 = developer("dev-1");
  ApiClient dev2 = developer("dev-2");
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(a_notice_is_validated_and_published_only_by_the_operator_or_marketplace,
                        ProviderApi) {
  const auto bad = admin.call("POST", "/admin/v1/notices",
                              R"({"title":{"ru":"","en":"New"},"body":{"ru":"a","en":"b"},)"
                              R"("api_version":"v 1","effective_date":"2027-02-30",)"
                              R"("providers":["chatline","Chat Line"],"endpoints":["fax"]})");
  BOOST_TEST(bad.status == 400, bad.text());
  BOOST_TEST(bad.header("Content-Type").value_or("").starts_with("application/problem+json"));
  // No app holds "chatline" here, so it is no provider either.
  const std::vector<std::string> expected{"/title/ru",    "/api_version", "/effective_date",
                                          "/providers/0", "/providers/1", "/endpoints/0"};
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
                        TwoProviders) {
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

BOOST_FIXTURE_TEST_CASE(a_notice_names_only_codes_an_app_holds_scope_on_or_not, ProviderApi) {
  provider("app-1", "chatline", "dev-1");
  // Registered, so the code is held, but not a provider yet: its scope is still off.
  const auto draft = marketplace.call(
      "POST", "/internal/v1/apps",
      R"({"app_id":"app-2","system_name":"draftline","developer_id":"dev-2","initial_version":"1.0"})");
  BOOST_REQUIRE_MESSAGE(draft.status == 201, draft.text());

  const auto ghost = admin.call("POST", "/admin/v1/notices",
                                notice_body("x", R"(["chatline","draftline","ghostline"])"));
  BOOST_TEST(ghost.status == 400, ghost.text());
  BOOST_TEST(problem_fields(ghost) == std::vector<std::string>{"/providers/2"},
             boost::test_tools::per_element());
  BOOST_TEST(mentions(ghost, "no such provider"), ghost.text());
  BOOST_TEST(marketplace.call("POST", "/internal/v1/notices", notice_body("x", R"(["ghostline"])"))
                 .status == 400);
  BOOST_TEST(events("event_type = 'ProviderNoticePublished'") == 0);

  const auto id = published_id(
      admin.call("POST", "/admin/v1/notices", notice_body("Draft too", R"(["draftline"])")));
  // Once its scope is on, the draft's developer finds the notice waiting.
  const auto dev2 = developer("dev-2");
  BOOST_TEST(dev2.call("GET", notices_path("draftline")).status == 404);
  BOOST_REQUIRE(marketplace.call("PUT", scope_path("app-2"), R"({"app_version":"1.0"})").status ==
                200);
  const auto listed =
      until(dev2, notices_path("draftline"), [](const HttpResponse& r) { return items(r) == 1; });
  BOOST_TEST(ids(listed).front() == id);
  BOOST_TEST(items(developer("dev-1").call("GET", notices_path("chatline"))) == 0u);
}

namespace {

std::string withdrawal_path(const std::string& prefix, const std::string& notice_id) {
  return prefix + "/" + notice_id + "/withdrawal";
}

// The operator's entry for notice `id` on a list page, or null.
const rapidjson::Value* entry(const rapidjson::Document& page, const std::string& id) {
  for (const auto& n : page["items"].GetArray()) {
    if (n["notice_id"].GetString() == id) return &n;
  }
  return nullptr;
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(the_operator_sees_which_providers_have_read_each_notice, TwoProviders) {
  provider("app-3", "thirdline", "dev-1");  // dev-1's second provider
  const auto everyone = published_id(admin.call("POST", "/admin/v1/notices", notice_body("All")));
  const auto pair = published_id(marketplace.call(
      "POST", "/internal/v1/notices", notice_body("Pair", R"(["chatline","otherline"])")));

  // dev-1 reads the notice for everyone through chatline: it is read on thirdline too, as
  // dev-1's own list shows it. dev-2 reads the pair's notice.
  BOOST_TEST(dev1.call("POST", acknowledgement_path("chatline", everyone)).status == 200);
  BOOST_TEST(dev2.call("POST", acknowledgement_path("otherline", pair)).status == 200);

  const auto counted = [&](const HttpResponse& r) {
    if (r.status != 200) return false;
    const auto d = json_of(r);
    const auto* all = entry(d, everyone);
    const auto* two = entry(d, pair);
    return all && two && (*all)["acknowledged_providers"].GetInt64() == 2 &&
           (*two)["acknowledged_providers"].GetInt64() == 1;
  };
  const auto listed = until(admin, "/admin/v1/notices", counted);
  const std::vector<std::string> newest_first{pair, everyone};
  BOOST_TEST(ids(listed) == newest_first, boost::test_tools::per_element());
  const auto page = json_of(listed);
  BOOST_TEST((*entry(page, everyone))["concerned_providers"].GetInt64() == 3);
  BOOST_TEST((*entry(page, pair))["concerned_providers"].GetInt64() == 2);
  BOOST_TEST((*entry(page, pair))["title"]["en"].GetString() == std::string("Pair"));
  BOOST_TEST((*entry(page, pair))["withdrawn_at"].IsNull());
  // The marketplace lists the same notices.
  BOOST_TEST(ids(until(marketplace, "/internal/v1/notices", counted)) == newest_first,
             boost::test_tools::per_element());

  // One notice: who has not read it comes first, each with its developer.
  const auto detail = admin.call("GET", "/admin/v1/notices/" + pair);
  BOOST_TEST(detail.status == 200, detail.text());
  const auto d = json_of(detail);
  BOOST_TEST(d["notice_id"].GetString() == pair);
  const auto& acks = d["acknowledgements"];
  BOOST_REQUIRE(acks.Size() == 2u);
  BOOST_TEST(acks[0]["provider_code"].GetString() == std::string("chatline"));
  BOOST_TEST(acks[0]["developer_id"].GetString() == std::string("dev-1"));
  BOOST_TEST(acks[0]["acknowledged_at"].IsNull());
  BOOST_TEST(acks[1]["provider_code"].GetString() == std::string("otherline"));
  BOOST_TEST(acks[1]["developer_id"].GetString() == std::string("dev-2"));
  BOOST_TEST(acks[1]["acknowledged_at"].IsString());
  BOOST_TEST(marketplace.call("GET", "/internal/v1/notices/" + pair).status == 200);

  // Pages of one, then the rest.
  const auto page1 = admin.call("GET", "/admin/v1/notices?limit=1");
  BOOST_TEST(ids(page1).front() == pair);
  const std::string cursor = json_of(page1)["next_cursor"].GetString();
  const auto page2 = admin.call("GET", "/admin/v1/notices?limit=1&cursor=" + cursor);
  BOOST_TEST(ids(page2).front() == everyone);
  BOOST_TEST(json_of(page2)["next_cursor"].IsNull());

  // Bad input names its parameter; only the operator and the marketplace may look.
  BOOST_TEST(problem_fields(admin.call("GET", "/admin/v1/notices?cursor=abc")) ==
                 std::vector<std::string>{"cursor"},
             boost::test_tools::per_element());
  const auto malformed = admin.call("GET", "/admin/v1/notices/not-a-notice");
  BOOST_TEST(malformed.status == 400);
  BOOST_TEST(problem_fields(malformed) == std::vector<std::string>{"notice_id"},
             boost::test_tools::per_element());
  const auto unknown = admin.call("GET", "/admin/v1/notices/00000000-0000-4000-8000-000000000000");
  BOOST_TEST(unknown.status == 404);
  BOOST_TEST(problem_fields(unknown) == std::vector<std::string>{"notice_id"},
             boost::test_tools::per_element());
  BOOST_TEST(dev1.call("GET", "/admin/v1/notices").status == 403);
  BOOST_TEST(marketplace.call("GET", "/admin/v1/notices/" + pair).status == 403);
  BOOST_TEST(dev1.call("GET", "/internal/v1/notices").status == 403);
  BOOST_TEST(ApiClient(server.endpoint(), "").call("GET", "/admin/v1/notices").status == 401);
}

BOOST_FIXTURE_TEST_CASE(a_withdrawn_notice_stays_listed_marked_and_takes_no_new_acknowledgement,
                        TwoProviders) {
  const auto id = published_id(admin.call("POST", "/admin/v1/notices", notice_body("Contract v2")));
  BOOST_TEST(dev1.call("POST", acknowledgement_path("chatline", id)).status == 200);

  const auto path = withdrawal_path("/admin/v1/notices", id);
  const auto empty = admin.call("POST", path, R"({"reason":""})");
  BOOST_TEST(empty.status == 400);
  BOOST_TEST(problem_fields(empty) == std::vector<std::string>{"/reason"},
             boost::test_tools::per_element());
  const auto missing = admin.call("POST", path, "{}");
  BOOST_TEST(missing.status == 400);
  BOOST_TEST(mentions(missing, "reason"), missing.text());
  BOOST_TEST(admin.call("POST", path, R"({"reason":"x","why":"y"})").status == 400);
  BOOST_TEST(admin.call("POST", path, "not json").status == 400);
  BOOST_TEST(
      problem_fields(admin.call("POST", withdrawal_path("/admin/v1/notices", "nope"),
                                R"({"reason":"x"})")) == std::vector<std::string>{"notice_id"},
      boost::test_tools::per_element());
  BOOST_TEST(admin
                 .call("POST",
                       withdrawal_path("/admin/v1/notices", "00000000-0000-4000-8000-000000000000"),
                       R"({"reason":"x"})")
                 .status == 404);
  BOOST_TEST(dev1.call("POST", path, R"({"reason":"x"})").status == 403);
  BOOST_TEST(marketplace.call("POST", path, R"({"reason":"x"})").status == 403);
  BOOST_TEST(ApiClient(server.endpoint(), "").call("POST", path, R"({"reason":"x"})").status ==
             401);
  BOOST_TEST(events("event_type = 'ProviderNoticeWithdrawn'") == 0);

  const auto withdrawn = admin.call("POST", path, R"({"reason":"Called off"})");
  BOOST_TEST(withdrawn.status == 200, withdrawn.text());
  BOOST_TEST(json_of(withdrawn)["withdrawn"].GetBool());
  const auto again = admin.call("POST", path, R"({"reason":"Twice"})");
  BOOST_TEST(again.status == 409);
  BOOST_TEST(problem_fields(again) == std::vector<std::string>{"notice_id"},
             boost::test_tools::per_element());
  BOOST_TEST(events("event_type = 'ProviderNoticeWithdrawn'") == 1);

  // dev-2 never read it: it stays on their list marked withdrawn, with the reason, but is no
  // longer among the unread, and can no longer be acknowledged.
  const auto listed = until(dev2, notices_path("otherline"), [](const HttpResponse& r) {
    return items(r) == 1 && json_of(r)["items"][0]["withdrawn_at"].IsString();
  });
  const auto n = json_of(listed);
  BOOST_TEST(n["items"][0]["withdrawal_reason"].GetString() == std::string("Called off"));
  BOOST_TEST(!n["items"][0]["read"].GetBool());
  BOOST_TEST(items(dev2.call("GET", notices_path("otherline", "?unread=true"))) == 0u);
  const auto late = dev2.call("POST", acknowledgement_path("otherline", id));
  BOOST_TEST(late.status == 409, late.text());
  BOOST_TEST(problem_fields(late) == std::vector<std::string>{"notice_id"},
             boost::test_tools::per_element());
  // dev-1 read it before: acknowledging again still answers as before.
  BOOST_TEST(dev1.call("POST", acknowledgement_path("chatline", id)).status == 200);
  BOOST_TEST(events("event_type = 'ProviderNoticeAcknowledged'") == 1);

  const auto detail = admin.call("GET", "/admin/v1/notices/" + id);
  BOOST_TEST(json_of(detail)["withdrawal_reason"].GetString() == std::string("Called off"));
  BOOST_TEST(json_of(detail)["acknowledged_providers"].GetInt64() == 1);

  // The marketplace withdraws through its own face.
  const auto other =
      published_id(marketplace.call("POST", "/internal/v1/notices", notice_body("B")));
  BOOST_TEST(marketplace
                 .call("POST", withdrawal_path("/internal/v1/notices", other),
                       R"({"reason":"Sent twice"})")
                 .status == 200);
  BOOST_TEST(events("event_type = 'ProviderNoticeWithdrawn'") == 2);
}

BOOST_FIXTURE_TEST_CASE(a_corrected_notice_shows_when_and_is_unread_again, TwoProviders) {
  const auto id = published_id(
      admin.call("POST", "/admin/v1/notices", notice_body("Old", R"(["chatline","otherline"])")));
  BOOST_TEST(dev1.call("POST", acknowledgement_path("chatline", id)).status == 200);
  const auto path = "/admin/v1/notices/" + id;

  const auto ghost = admin.call("PUT", path, notice_body("New", R"(["ghostline"])"));
  BOOST_TEST(ghost.status == 400, ghost.text());
  BOOST_TEST(problem_fields(ghost) == std::vector<std::string>{"/providers/0"},
             boost::test_tools::per_element());
  const auto missing = admin.call("PUT", path, R"({"title":{"ru":"a","en":"b"}})");
  BOOST_TEST(missing.status == 400);
  BOOST_TEST(mentions(missing, "api_version"), missing.text());
  BOOST_TEST(problem_fields(admin.call("PUT", "/admin/v1/notices/nope", notice_body("New"))) ==
                 std::vector<std::string>{"notice_id"},
             boost::test_tools::per_element());
  BOOST_TEST(
      admin.call("PUT", "/admin/v1/notices/00000000-0000-4000-8000-000000000000", notice_body("N"))
          .status == 404);
  BOOST_TEST(dev1.call("PUT", path, notice_body("New")).status == 403);
  BOOST_TEST(marketplace.call("PUT", path, notice_body("New")).status == 403);
  BOOST_TEST(ApiClient(server.endpoint(), "").call("PUT", path, notice_body("New")).status == 401);
  BOOST_TEST(events("event_type = 'ProviderNoticeCorrected'") == 0);

  // Now only for chatline: dev-1 must read it again; dev-2 no longer sees it.
  const auto corrected = admin.call("PUT", path, notice_body("New", R"(["chatline"])"));
  BOOST_TEST(corrected.status == 200, corrected.text());
  BOOST_TEST(json_of(corrected)["title"]["en"].GetString() == std::string("New"));
  BOOST_TEST(json_of(corrected)["notice_id"].GetString() == id);
  BOOST_TEST(events("event_type = 'ProviderNoticeCorrected'") == 1);
  const auto listed = until(dev1, notices_path("chatline"), [](const HttpResponse& r) {
    return items(r) == 1 && json_of(r)["items"][0]["updated_at"].IsString();
  });
  const auto n = json_of(listed);
  BOOST_TEST(n["items"][0]["title"]["en"].GetString() == std::string("New"));
  BOOST_TEST(!n["items"][0]["read"].GetBool());
  BOOST_TEST(n["items"][0]["acknowledged_at"].IsNull());
  until(dev2, notices_path("otherline"), [](const HttpResponse& r) { return items(r) == 0; });
  BOOST_TEST(dev2.call("POST", acknowledgement_path("otherline", id)).status == 404);

  BOOST_TEST(dev1.call("POST", acknowledgement_path("chatline", id)).status == 200);
  BOOST_TEST(events("event_type = 'ProviderNoticeAcknowledged'") == 2);
  const auto detail = until(admin, path, [](const HttpResponse& r) {
    return r.status == 200 && json_of(r)["acknowledged_providers"].GetInt64() == 1;
  });
  BOOST_TEST(json_of(detail)["concerned_providers"].GetInt64() == 1);

  // The marketplace corrects through its own face; a withdrawn notice is corrected no more.
  BOOST_TEST(marketplace.call("PUT", "/internal/v1/notices/" + id, notice_body("Newer")).status ==
             200);
  BOOST_TEST(admin.call("POST", path + "/withdrawal", R"({"reason":"Called off"})").status == 200);
  const auto late = admin.call("PUT", path, notice_body("Newest"));
  BOOST_TEST(late.status == 409, late.text());
  BOOST_TEST(problem_fields(late) == std::vector<std::string>{"notice_id"},
             boost::test_tools::per_element());
}
