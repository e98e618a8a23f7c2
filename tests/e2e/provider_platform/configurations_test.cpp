// The developer API's configuration routes over a real socket (seed 001, "provider
// configuration"): validation listing every problem, versions that only grow, the newest active,
// deletion of versions nothing uses any more, and no access to another developer's provider.
#include "tests/e2e/provider_platform/provider_api.hpp"

using namespace switchboard;
using namespace switchboard::tests::e2e;

namespace {

struct Configurations : ProviderApi {
  ApiClient dev = developer("dev-1");
  Configurations() { provider("app-1", "chatline", "dev-1"); }

  HttpResponse upload(const std::string& body) const {
    return dev.call("POST", configurations_path("chatline"), body);
  }
  long long uploads() const { return events("event_type = 'ConfigurationUploaded'"); }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(every_problem_of_a_configuration_is_listed_at_once, Configurations) {
  // send_message missing, read_chat not http(s), an endpoint nobody knows, Basic auth.
  auto body = configuration_body(1, "1.0", R"(,"teleport":"https://provider.example/t")", "basic");
  body.replace(body.find(R"("send_message")"), std::string(R"("send_message")").size(),
               R"("send_messages")");
  body.replace(body.find("https://provider.example/read"),
               std::string("https://provider.example/read").size(), "ftp://provider.example/read");
  const auto refused = upload(body);
  BOOST_TEST(refused.status == 400, refused.text());
  const auto fields = problem_fields(refused);
  for (const auto* field : {"/auth_type", "/endpoints/send_message", "/endpoints/send_messages",
                            "/endpoints/read_chat", "/endpoints/teleport"}) {
    BOOST_TEST((std::find(fields.begin(), fields.end(), field) != fields.end()), field);
  }
  BOOST_TEST(mentions(refused, "not supported yet"));

  const auto oauth = upload(configuration_body(1, "1.0", "", "oauth2"));
  BOOST_TEST(oauth.status == 400);
  BOOST_TEST(mentions(oauth, "'oauth2' is not supported yet"), oauth.text());

  const auto empty = upload("{}");
  BOOST_TEST(empty.status == 400);
  BOOST_TEST(problem_fields(empty).size() == 3u + 6u, empty.text());  // version, app_version,
                                                                      // auth_type, 6 endpoints
  const auto relative = upload(
      configuration_body(1, "1.0", R"(,"set_webhook":"/hooks","remove_webhook":"https://")"));
  BOOST_TEST(problem_fields(relative) ==
                 (std::vector<std::string>{"/endpoints/remove_webhook", "/endpoints/set_webhook"}),
             relative.text());
  // The client token would cross the network in clear text; loopback is the developer's machine.
  const auto clear_text = upload(configuration_body(
      1, "1.0",
      R"(,"set_webhook":"http://provider.example/hook","remove_webhook":"http://127.0.0.1:9/h")"));
  BOOST_TEST(clear_text.status == 400);
  BOOST_TEST(problem_fields(clear_text) == (std::vector<std::string>{"/endpoints/set_webhook"}),
             clear_text.text());
  BOOST_TEST(mentions(clear_text, "must be https"), clear_text.text());
  BOOST_TEST(upload(configuration_body(1, "7.0")).status == 400);  // no such app version
  BOOST_TEST(upload(configuration_body(0, "1.0")).status == 400);
  BOOST_TEST(upload(R"({"version":"1"})").status == 400);
  BOOST_TEST(upload(R"({"version":1,"extra":true})").status == 400);
  BOOST_TEST(upload(R"({"version":1,"endpoints":{"send_message":7}})").status == 400);
  BOOST_TEST(upload("not json").status == 400);
  BOOST_TEST(uploads() == 0);
}

BOOST_FIXTURE_TEST_CASE(versions_only_grow_and_the_newest_is_the_active_one, Configurations) {
  BOOST_TEST(dev.call("GET", configurations_path("chatline") + "/active").status == 404);
  const auto first = upload(configuration_body(1, "1.0"));
  BOOST_TEST(first.status == 201, first.text());
  BOOST_TEST(json_of(first)["state"].GetString() == std::string("active"));
  BOOST_TEST(upload(configuration_body(1, "1.0")).status == 409);
  const auto third =
      upload(configuration_body(3, "1.0", R"(,"bulk_send":"https://provider.example/bulk")"));
  BOOST_TEST(third.status == 201, third.text());
  const auto lower = upload(configuration_body(2, "1.0"));
  BOOST_TEST(lower.status == 409);
  BOOST_TEST(problem_fields(lower) == std::vector<std::string>{"/version"});
  BOOST_TEST(mentions(lower, "highest: 3"), lower.text());
  BOOST_TEST(uploads() == 2);

  // A retried upload with its Idempotency-Key gets the original answer, not a 409.
  const std::vector<std::pair<std::string, std::string>> key{{"Idempotency-Key", "upload-4"}};
  const auto body = configuration_body(4, "1.0");
  BOOST_TEST(dev.call("POST", configurations_path("chatline"), body, key).status == 201);
  BOOST_TEST(dev.call("POST", configurations_path("chatline"), body, key).status == 201);
  BOOST_TEST(uploads() == 3);

  const auto listed = until(dev, configurations_path("chatline"), [](const HttpResponse& r) {
    return r.status == 200 && json_of(r)["items"].Size() == 3u;
  });
  const auto list = json_of(listed);
  BOOST_TEST(list["items"][0]["version"].GetInt64() == 1);
  BOOST_TEST(list["items"][0]["state"].GetString() == std::string("inactive"));
  BOOST_TEST(list["items"][1]["version"].GetInt64() == 3);
  BOOST_TEST(list["items"][1]["state"].GetString() == std::string("inactive"));
  BOOST_TEST(list["items"][2]["version"].GetInt64() == 4);
  BOOST_TEST(list["items"][2]["state"].GetString() == std::string("active"));

  // The newest active is 4; the one with the optional bulk_send endpoint is 3.
  const auto active = json_of(dev.call("GET", configurations_path("chatline") + "/active"));
  BOOST_TEST(active["version"].GetInt64() == 4);
  const auto third_listed = list["items"][1].GetObject();
  BOOST_TEST(third_listed["endpoints"]["bulk_send"].GetString() ==
             std::string("https://provider.example/bulk"));
  BOOST_TEST(active["provider_code"].GetString() == std::string("chatline"));

  const auto page = json_of(dev.call("GET", configurations_path("chatline") + "?limit=1"));
  BOOST_TEST(page["items"].Size() == 1u);
  BOOST_TEST(page["next_cursor"].GetString() == std::string("1"));
  const auto rest = json_of(dev.call("GET", configurations_path("chatline") + "?limit=2&cursor=1"));
  BOOST_TEST(rest["items"].Size() == 2u);
  BOOST_TEST(rest["items"][0]["version"].GetInt64() == 3);
  BOOST_TEST(rest["next_cursor"].IsNull());
  BOOST_TEST(dev.call("GET", configurations_path("chatline") + "?cursor=abc").status == 400);
}

BOOST_FIXTURE_TEST_CASE(another_developers_token_finds_nothing_and_changes_nothing,
                        Configurations) {
  BOOST_REQUIRE(upload(configuration_body(1, "1.0")).status == 201);
  // "quiet" is dev-2's app without the scope: not a provider yet.
  marketplace.call("POST", "/internal/v1/apps",
                   R"({"app_id":"app-2","system_name":"quiet","developer_id":"dev-2",)"
                   R"("initial_version":"1.0"})");
  const auto other = developer("dev-2");
  const auto base = configurations_path("chatline");
  for (const auto& [method, target, body] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"POST", base, configuration_body(2, "1.0")},
           {"GET", base, ""},
           {"GET", base + "/active", ""},
           {"DELETE", base + "/1", ""},
           {"POST", configurations_path("quiet"), configuration_body(1, "1.0")},
           {"GET", configurations_path("nobody") + "/active", ""},
           {"GET", configurations_path("NOT%20A%20CODE"), ""}}) {
    const auto r = other.call(method, target, body);
    BOOST_TEST(r.status == 404, method << " " << target << ": " << r.text());
  }
  BOOST_TEST(marketplace.call("GET", base).status == 403);
  BOOST_TEST(ApiClient(server.endpoint(), "").call("GET", base).status == 401);
  BOOST_TEST(uploads() == 1);
  BOOST_TEST(events("event_type = 'ConfigurationDeleted'") == 0);
}

BOOST_FIXTURE_TEST_CASE(a_version_is_deleted_only_when_nothing_uses_it, Configurations) {
  const auto remove = [&](const std::string& version) {
    return dev.call("DELETE", configurations_path("chatline") + "/" + version);
  };
  BOOST_REQUIRE(upload(configuration_body(1, "1.0")).status == 201);
  // A sandbox tenant binds to the active configuration, 1.
  const auto installed =
      marketplace.call("POST", "/internal/v1/tenants/stand-1/installations",
                       R"({"app_id":"app-1","app_version":"1.0","sandbox":true})");
  BOOST_REQUIRE_MESSAGE(installed.status == 201 || installed.status == 200, installed.text());
  BOOST_REQUIRE(upload(configuration_body(2, "1.0")).status == 201);

  const auto active = remove("2");
  BOOST_TEST(active.status == 409);
  BOOST_TEST(mentions(active, "active configuration"), active.text());

  // 1 is no longer active nor used by an app version, but stand-1 is still bound to it.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (server.database().count("SELECT count(*) FROM tenant_bindings WHERE tenant_id ="
                                 " 'stand-1' AND configuration_version = 1") == 0) {
    BOOST_REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const auto bound = remove("1");
  BOOST_TEST(bound.status == 409);
  BOOST_TEST(mentions(bound, "tenant stand-1 is bound to it"), bound.text());

  // stand-1 upgrades to 2.0 (which inherits 2) and leaves 1 unused.
  BOOST_REQUIRE(
      marketplace.call("POST", "/internal/v1/apps/app-1/versions", R"({"version":"2.0"})").status ==
      201);
  const auto upgraded =
      marketplace.call("POST", "/internal/v1/tenants/stand-1/installations/app-1/upgrade",
                       R"({"app_version":"2.0"})");
  BOOST_REQUIRE_MESSAGE(upgraded.status == 200 || upgraded.status == 201, upgraded.text());
  while (server.database().count("SELECT count(*) FROM tenant_bindings WHERE tenant_id ="
                                 " 'stand-1' AND configuration_version = 2") == 0) {
    BOOST_REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  BOOST_TEST(remove("1").status == 204);
  BOOST_TEST(remove("1").status == 404);
  BOOST_TEST(remove("abc").status == 400);
  BOOST_TEST(remove("99").status == 404);
  BOOST_TEST(events("event_type = 'ConfigurationDeleted'") == 1);

  const auto listed = until(dev, configurations_path("chatline"), [](const HttpResponse& r) {
    return r.status == 200 && json_of(r)["items"][0]["state"].GetString() == std::string("deleted");
  });
  BOOST_TEST(json_of(listed)["items"][0]["deleted_at"].IsString());
}
