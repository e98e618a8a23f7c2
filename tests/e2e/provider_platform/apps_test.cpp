// The marketplace's app routes and the admin routes over a real socket (seed 001): the
// communications scope and its lock, app versions inheriting configurations, the publication
// gates reported one by one until they are all met.
#include "tests/e2e/provider_platform/provider_api.hpp"

using namespace switchboard;
using namespace switchboard::tests::e2e;
using domain::access::TokenKind;

BOOST_FIXTURE_TEST_CASE(the_scope_is_enabled_in_an_announced_version_and_stays_on, ProviderApi) {
  const auto registered = marketplace.call(
      "POST", "/internal/v1/apps",
      R"({"app_id":"app-1","system_name":"chatline","developer_id":"dev-1","initial_version":"1.0"})");
  BOOST_REQUIRE(registered.status == 201);
  // Nothing to disable yet.
  BOOST_TEST(marketplace.call("DELETE", scope_path("app-1")).status == 204);

  const auto unknown_version =
      marketplace.call("PUT", scope_path("app-1"), R"({"app_version":"9.9"})");
  BOOST_TEST(unknown_version.status == 400, unknown_version.text());
  BOOST_TEST(problem_fields(unknown_version) == std::vector<std::string>{"/app_version"});
  BOOST_TEST(marketplace.call("PUT", scope_path("app-1"), "{}").status == 400);
  BOOST_TEST(
      marketplace.call("PUT", scope_path("app-1"), R"({"app_version":"1.0","x":1})").status == 400);
  BOOST_TEST(marketplace.call("PUT", scope_path("app-1"), "[").status == 400);
  BOOST_TEST(
      marketplace.call("PUT", scope_path("no-such-app"), R"({"app_version":"1.0"})").status == 404);
  BOOST_TEST(events("event_type = 'CommunicationsScopeEnabled'") == 0);

  const auto enabled = marketplace.call("PUT", scope_path("app-1"), R"({"app_version":"1.0"})");
  BOOST_TEST(enabled.status == 200, enabled.text());
  BOOST_TEST(json_of(enabled)["provider_code"].GetString() == std::string("chatline"));
  // The marketplace repeating itself is not an error and records nothing new.
  BOOST_TEST(marketplace.call("PUT", scope_path("app-1"), R"({"app_version":"1.0"})").status ==
             200);

  const auto disable = marketplace.call("DELETE", scope_path("app-1"));
  BOOST_TEST(disable.status == 409);
  BOOST_TEST(mentions(disable, "cannot be disabled once enabled"), disable.text());
  BOOST_TEST(events("event_type = 'CommunicationsScopeEnabled'") == 1);

  const auto app = until(marketplace, "/internal/v1/apps/app-1", [](const HttpResponse& r) {
    return r.status == 200 && json_of(r)["communications_scope"]["enabled"].GetBool();
  });
  BOOST_TEST(json_of(app)["communications_scope"]["enabled_in"].GetString() == std::string("1.0"));
  BOOST_TEST(marketplace.call("GET", "/internal/v1/apps/no-such-app").status == 404);
  BOOST_TEST(developer("dev-1").call("GET", "/internal/v1/apps/app-1").status == 403);
}

BOOST_FIXTURE_TEST_CASE(a_new_app_version_inherits_the_previous_versions_configuration,
                        ProviderApi) {
  provider("app-1", "chatline", "dev-1");
  const auto dev = developer("dev-1");
  BOOST_REQUIRE(
      dev.call("POST", configurations_path("chatline"), configuration_body(1, "1.0")).status ==
      201);

  const auto created =
      marketplace.call("POST", "/internal/v1/apps/app-1/versions", R"({"version":"2.0"})");
  BOOST_TEST(created.status == 201, created.text());
  const auto state = json_of(created);
  BOOST_REQUIRE(state["versions"].Size() == 2u);
  BOOST_TEST(state["versions"][1]["version"].GetString() == std::string("2.0"));
  BOOST_TEST(state["versions"][1]["configuration_version"].GetInt64() == 1);
  // A repeated notification is answered the same and records nothing.
  BOOST_TEST(
      marketplace.call("POST", "/internal/v1/apps/app-1/versions", R"({"version":"2.0"})").status ==
      201);
  BOOST_TEST(events("event_type = 'AppVersionCreated'") == 1);

  // A configuration for 2.0 binds to 2.0 only; 1.0 keeps its own.
  BOOST_REQUIRE(
      dev.call("POST", configurations_path("chatline"), configuration_body(2, "2.0")).status ==
      201);
  const auto app = until(marketplace, "/internal/v1/apps/app-1", [](const HttpResponse& r) {
    return r.status == 200 && json_of(r)["active_configuration"].IsInt64() &&
           json_of(r)["active_configuration"].GetInt64() == 2;
  });
  const auto d = json_of(app);
  BOOST_TEST(d["versions"][0]["configuration_version"].GetInt64() == 1);
  BOOST_TEST(d["versions"][1]["configuration_version"].GetInt64() == 2);

  BOOST_TEST(marketplace.call("POST", "/internal/v1/apps/app-1/versions", "{}").status == 400);
  BOOST_TEST(
      marketplace.call("POST", "/internal/v1/apps/app-1/versions", R"({"version":""})").status ==
      400);
  BOOST_TEST(
      marketplace.call("POST", "/internal/v1/apps/nope/versions", R"({"version":"2.0"})").status ==
      404);
  BOOST_TEST(dev.call("POST", "/internal/v1/apps/app-1/versions", R"({"version":"3.0"})").status ==
             403);
  BOOST_TEST(events("event_type = 'AppVersionCreated'") == 1);
}

BOOST_FIXTURE_TEST_CASE(each_publication_gate_is_reported_until_met, ProviderApi) {
  const auto publish = [&] {
    return marketplace.call("POST", "/internal/v1/apps/app-1/publication");
  };
  marketplace.call("POST", "/internal/v1/apps",
                   R"({"app_id":"app-1","system_name":"chatline","developer_id":"dev-1",)"
                   R"("initial_version":"1.0"})");
  const auto nothing_met = publish();
  BOOST_TEST(nothing_met.status == 409);
  BOOST_TEST(
      problem_fields(nothing_met) ==
          (std::vector<std::string>{"scope", "configuration", "moderation", "test_stand.provider",
                                    "test_stand.crm", "production_approval"}),
      nothing_met.text());

  BOOST_REQUIRE(marketplace.call("PUT", scope_path("app-1"), R"({"app_version":"1.0"})").status ==
                200);
  BOOST_TEST(problem_fields(publish()).front() == "configuration");
  BOOST_REQUIRE(developer("dev-1")
                    .call("POST", configurations_path("chatline"), configuration_body(1, "1.0"))
                    .status == 201);
  BOOST_TEST(problem_fields(publish()).front() == "moderation");

  const auto moderation = "/admin/v1/apps/app-1/moderation";
  BOOST_REQUIRE(
      admin.call("POST", moderation, R"({"decision":"rejected","comment":"logo is blurry"})")
          .status == 200);
  const auto rejected = publish();
  BOOST_TEST(mentions(rejected, "logo is blurry"), rejected.text());
  const auto approved =
      admin.call("POST", moderation, R"({"decision":"approved","comment":"fixed"})");
  BOOST_TEST(approved.status == 200);
  BOOST_TEST(json_of(approved)["moderation"]["decision"].GetString() == std::string("approved"));
  BOOST_TEST(problem_fields(publish()).front() == "test_stand.provider");

  const auto stand = "/admin/v1/apps/app-1/test-stand";
  BOOST_REQUIRE(
      admin.call("POST", stand, R"({"party":"provider","passed":true,"comment":"ok"})").status ==
      200);
  BOOST_REQUIRE(
      admin.call("POST", stand, R"({"party":"crm","passed":false,"comment":"timeouts"})").status ==
      200);
  BOOST_TEST(problem_fields(publish()).front() == "test_stand.crm");
  const auto crm_passed =
      admin.call("POST", stand, R"({"party":"crm","passed":true,"comment":"ok now"})");
  // The command's answer already lists what is left.
  BOOST_TEST(problem_fields(publish()) == std::vector<std::string>{"production_approval"});
  BOOST_TEST(json_of(crm_passed)["publication"]["unmet_conditions"].Size() == 1u);

  BOOST_REQUIRE(
      admin.call("POST", "/admin/v1/apps/app-1/production-approval", R"({"comment":"go"})")
          .status == 200);
  const auto published = publish();
  BOOST_TEST(published.status == 200, published.text());
  BOOST_TEST(json_of(published)["publication"]["state"].GetString() == std::string("published"));
  BOOST_TEST(publish().status == 200);
  BOOST_TEST(events("event_type = 'AppPublished'") == 1);

  const auto listed = until(admin, "/admin/v1/providers", [](const HttpResponse& r) {
    const auto d = json_of(r);
    return r.status == 200 && d["items"].Size() == 1u &&
           d["items"][0]["publication"]["state"].GetString() == std::string("published");
  });
  const auto item = json_of(listed);
  BOOST_TEST(item["items"][0]["publication"]["unmet_conditions"].Size() == 0u);
  BOOST_TEST(item["items"][0]["test_stand"]["crm"]["comment"].GetString() == std::string("ok now"));
  BOOST_TEST(item["items"][0]["moderation"]["comment"].GetString() == std::string("fixed"));
}

BOOST_FIXTURE_TEST_CASE(admin_routes_are_for_admin_tokens_only, ProviderApi) {
  provider("app-1", "chatline", "dev-1");
  const auto dev = developer("dev-1");
  const ApiClient anonymous{server.endpoint(), ""};
  const std::vector<std::pair<std::string, std::string>> routes{
      {"/admin/v1/apps/app-1/moderation", R"({"decision":"approved","comment":"ok"})"},
      {"/admin/v1/apps/app-1/test-stand", R"({"party":"crm","passed":true,"comment":"ok"})"},
      {"/admin/v1/apps/app-1/production-approval", R"({"comment":"ok"})"}};
  for (const auto& [path, body] : routes) {
    BOOST_TEST(marketplace.call("POST", path, body).status == 403, path);
    BOOST_TEST(dev.call("POST", path, body).status == 403, path);
    BOOST_TEST(anonymous.call("POST", path, body).status == 401, path);
  }
  BOOST_TEST(marketplace.call("GET", "/admin/v1/providers").status == 403);
  BOOST_TEST(dev.call("GET", "/admin/v1/providers").status == 403);
  BOOST_TEST(events("event_type IN ('ModerationDecided', 'TestStandResultRecorded',"
                    " 'ProductionApproved')") == 0);

  // Malformed decisions name the field and change nothing.
  const auto maybe =
      admin.call("POST", "/admin/v1/apps/app-1/moderation", R"({"decision":"maybe","comment":""})");
  BOOST_TEST(maybe.status == 400);
  BOOST_TEST(problem_fields(maybe) == std::vector<std::string>{"/decision"}, maybe.text());
  BOOST_TEST(admin
                 .call("POST", "/admin/v1/apps/app-1/test-stand",
                       R"({"party":"qa","passed":true,"comment":""})")
                 .status == 400);
  BOOST_TEST(admin.call("POST", "/admin/v1/apps/app-1/test-stand", R"({"party":"crm"})").status ==
             400);
  BOOST_TEST(admin.call("POST", "/admin/v1/apps/app-1/production-approval", "{}").status == 400);
  BOOST_TEST(
      admin.call("POST", "/admin/v1/apps/nope/production-approval", R"({"comment":""})").status ==
      404);
  BOOST_TEST(events("event_type IN ('ModerationDecided', 'TestStandResultRecorded',"
                    " 'ProductionApproved')") == 0);
}

BOOST_FIXTURE_TEST_CASE(the_provider_list_pages_with_a_cursor, ProviderApi) {
  for (const auto* id : {"app-a", "app-b", "app-c"}) {
    marketplace.call("POST", "/internal/v1/apps",
                     std::string(R"({"app_id":")") + id + R"(","system_name":")" + id +
                         R"(","developer_id":"dev-1"})");
  }
  const auto first = until(admin, "/admin/v1/providers?limit=2", [](const HttpResponse& r) {
    return r.status == 200 && json_of(r)["next_cursor"].IsString();
  });
  const auto page = json_of(first);
  BOOST_TEST(page["items"].Size() == 2u);
  BOOST_TEST(page["items"][0]["app_id"].GetString() == std::string("app-a"));
  // Without the scope, the scope is the first thing missing.
  BOOST_TEST(page["items"][0]["publication"]["unmet_conditions"][0]["field"].GetString() ==
             std::string("scope"));
  const auto second = admin.call(
      "GET", std::string("/admin/v1/providers?limit=2&cursor=") + page["next_cursor"].GetString());
  const auto rest = json_of(second);
  BOOST_TEST(rest["items"].Size() == 1u);
  BOOST_TEST(rest["items"][0]["app_id"].GetString() == std::string("app-c"));
  BOOST_TEST(rest["next_cursor"].IsNull());
  BOOST_TEST(admin.call("GET", "/admin/v1/providers?limit=0").status == 400);
  BOOST_TEST(admin.call("GET", "/admin/v1/providers?limit=x").status == 400);
  BOOST_TEST(admin.call("GET", "/admin/v1/providers?cursor=").status == 400);
}
