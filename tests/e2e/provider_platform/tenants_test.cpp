// Tenant installations over a real socket (seed 001, "configuration per tenant"; the test stand):
// the marketplace installs, upgrades and removes provider apps for tenants; each tenant is bound
// to a configuration, with history. Apps are brought into shape in-process (PlatformSetup), so
// these tests exercise the installation routes alone.
#include <rapidjson/document.h>

#include <array>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <thread>

#include "tests/e2e/provider_platform/provider_api.hpp"
#include "tests/e2e/support/api_client.hpp"
#include "tests/support/platform_setup.hpp"

using namespace switchboard;
using namespace switchboard::tests::e2e;
using domain::access::TokenKind;

namespace {

std::string text_at(const rapidjson::Value& v, const char* key) {
  return v.HasMember(key) && v[key].IsString() ? v[key].GetString() : "";
}

struct Platform {
  ServerProcess server;
  ApiClient marketplace{server.endpoint(), issue_token(server, TokenKind::service, "marketplace")};
  tests::PlatformSetup setup{server.database().app_url()};

  Platform() {
    // "chat" has configurations 1 (app 1.0) and 2 (app 2.0) and is not published yet.
    setup.provider("app-chat", "chat", "dev-1", "1.0");
    setup.configuration("app-chat", 1, "1.0");
    setup.version("app-chat", "2.0");
    setup.configuration("app-chat", 2, "2.0");
  }

  HttpResponse install(const std::string& tenant, const std::string& app,
                       const std::string& version, bool sandbox) const {
    return marketplace.call("POST", "/internal/v1/tenants/" + tenant + "/installations",
                            R"({"app_id":")" + app + R"(","app_version":")" + version +
                                R"(","sandbox":)" + (sandbox ? "true" : "false") + "}");
  }

  long long tenant_events(const std::string& tenant) const {
    return server.database().count("SELECT count(*) FROM events WHERE stream_id = 'tenant-" +
                                   tenant + "'");
  }

  // Polls a query route until the read model shows `items` entries (projections lag a little).
  rapidjson::Document items(const std::string& target, std::size_t expected) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    for (;;) {
      const auto r = marketplace.call("GET", target);
      auto d = json_of(r);
      if (r.status == 200 && d["items"].Size() == expected) return d;
      if (std::chrono::steady_clock::now() > deadline) {
        BOOST_FAIL(target << " never showed " << expected << " items: " << r.text());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(production_waits_for_publication_and_the_sandbox_tests_the_newest,
                        Platform) {
  const auto production = install("acme", "app-chat", "1.0", false);
  BOOST_TEST(production.status == 409, production.text());
  BOOST_TEST(production.text().find("not published") != std::string::npos);
  const auto unknown = install("acme", "app-none", "1.0", false);
  BOOST_TEST(unknown.status == 404, unknown.text());
  // The app id came in the body, so the problem names it by its JSON pointer.
  BOOST_TEST(problem_fields(unknown) == std::vector<std::string>{"/app_id"}, unknown.text());
  BOOST_TEST(tenant_events("acme") == 0);

  // The test stand: a sandbox tenant installing app version 1.0 gets the newest configuration.
  const auto sandbox = install("stand-1", "app-chat", "1.0", true);
  BOOST_TEST(sandbox.status == 201, sandbox.text());
  const auto bound = json_of(sandbox);
  BOOST_TEST(text_at(bound, "provider_code") == "chat");
  BOOST_TEST(bound["configuration_version"].GetInt64() == 2);
  BOOST_TEST(bound["sandbox"].GetBool());

  const auto listed = items("/internal/v1/tenants/stand-1/installations", 1);
  BOOST_TEST(text_at(listed["items"][0], "app_id") == "app-chat");
  BOOST_TEST(listed["items"][0]["sandbox"].GetBool());
  BOOST_TEST(listed["items"][0]["active"].GetBool());
  BOOST_TEST(listed["next_cursor"].IsNull());
}

BOOST_FIXTURE_TEST_CASE(a_tenants_kind_is_fixed_by_its_first_installation, Platform) {
  setup.provider("app-mail", "mail", "dev-2", "1.0");
  setup.configuration("app-mail", 1, "1.0");
  setup.publish("app-mail");

  BOOST_TEST(install("stand-2", "app-chat", "1.0", true).status == 201);
  const auto as_production = install("stand-2", "app-mail", "1.0", false);
  BOOST_TEST(as_production.status == 409, as_production.text());
  BOOST_TEST(as_production.text().find("sandbox tenant") != std::string::npos);
  BOOST_TEST(problem_fields(as_production) == std::vector<std::string>{"/sandbox"});

  BOOST_TEST(install("acme", "app-mail", "1.0", false).status == 201);
  const auto as_sandbox = install("acme", "app-chat", "1.0", true);
  BOOST_TEST(as_sandbox.status == 409, as_sandbox.text());
  BOOST_TEST(as_sandbox.text().find("production tenant") != std::string::npos);
  BOOST_TEST(tenant_events("stand-2") == 1);
  BOOST_TEST(tenant_events("acme") == 1);
}

BOOST_FIXTURE_TEST_CASE(installs_and_upgrades_bind_to_each_versions_configuration, Platform) {
  setup.publish("app-chat");
  const auto installed = install("acme", "app-chat", "1.0", false);
  BOOST_TEST(installed.status == 201, installed.text());
  BOOST_TEST(json_of(installed)["configuration_version"].GetInt64() == 1);
  // The marketplace repeating itself is not an error; another version is an upgrade instead.
  BOOST_TEST(install("acme", "app-chat", "1.0", false).status == 201);
  const auto other = install("acme", "app-chat", "2.0", false);
  BOOST_TEST(other.status == 409, other.text());
  BOOST_TEST(other.text().find("upgrade instead") != std::string::npos);

  // A new app version starts with the previous version's configuration; upgrading moves there.
  setup.version("app-chat", "3.0");
  const auto upgraded =
      marketplace.call("POST", "/internal/v1/tenants/acme/installations/app-chat/upgrade",
                       R"({"app_version":"3.0"})");
  BOOST_TEST(upgraded.status == 200, upgraded.text());
  BOOST_TEST(text_at(json_of(upgraded), "app_version") == "3.0");
  BOOST_TEST(json_of(upgraded)["configuration_version"].GetInt64() == 2);
  const auto unknown = marketplace.call(
      "POST", "/internal/v1/tenants/acme/installations/app-chat/upgrade", R"({"app_version":"9"})");
  BOOST_TEST(unknown.status == 404, unknown.text());
  BOOST_TEST(unknown.text().find("app_version") != std::string::npos);

  const auto history = items("/internal/v1/tenants/acme/installations/app-chat/history", 2);
  BOOST_TEST(text_at(history["items"][0], "change") == "installed");
  BOOST_TEST(text_at(history["items"][0], "app_version") == "1.0");
  BOOST_TEST(history["items"][0]["configuration_version"].GetInt64() == 1);
  BOOST_TEST(text_at(history["items"][1], "change") == "upgraded");
  BOOST_TEST(history["items"][1]["configuration_version"].GetInt64() == 2);

  // One change per page, oldest first.
  const auto first = json_of(
      marketplace.call("GET", "/internal/v1/tenants/acme/installations/app-chat/history?limit=1"));
  BOOST_REQUIRE(first["next_cursor"].IsString());
  const auto second =
      json_of(marketplace.call("GET",
                               "/internal/v1/tenants/acme/installations/app-chat/history?limit=1"
                               "&cursor=" +
                                   text_at(first, "next_cursor")));
  BOOST_TEST(text_at(second["items"][0], "change") == "upgraded");
  BOOST_TEST(second["next_cursor"].IsNull());
}

BOOST_FIXTURE_TEST_CASE(removal_is_recorded_once_and_repeats_are_harmless, Platform) {
  BOOST_TEST(install("stand-3", "app-chat", "2.0", true).status == 201);
  const std::string path = "/internal/v1/tenants/stand-3/installations/app-chat";
  BOOST_TEST(marketplace.call("DELETE", path).status == 400);
  const auto bad_reason = marketplace.call("DELETE", path + "?reason=bored");
  BOOST_TEST(bad_reason.status == 400);
  BOOST_TEST(bad_reason.text().find("reason") != std::string::npos);

  const auto removed = marketplace.call("DELETE", path + "?reason=disabled");
  BOOST_TEST(removed.status == 200, removed.text());
  BOOST_TEST(!json_of(removed)["active"].GetBool());
  BOOST_TEST(marketplace.call("DELETE", path + "?reason=disabled").status == 200);
  BOOST_TEST(server.database().count("SELECT count(*) FROM events WHERE event_type = 'AppRemoved'"
                                     " AND data ->> 'reason' = 'disabled'"
                                     " AND data ->> 'provider_code' = 'chat'") == 1);
  BOOST_TEST(marketplace
                 .call("DELETE",
                       "/internal/v1/tenants/stand-3/installations/app-none"
                       "?reason=removed")
                 .status == 404);

  const auto history = items(path + "/history", 2);
  BOOST_TEST(text_at(history["items"][1], "change") == "removed");
  BOOST_TEST(text_at(history["items"][1], "reason") == "disabled");
  // Removed apps can be installed again.
  BOOST_TEST(install("stand-3", "app-chat", "2.0", true).status == 201);
}

BOOST_FIXTURE_TEST_CASE(a_tenants_installations_are_not_seen_through_another_tenant, Platform) {
  BOOST_TEST(install("stand-4", "app-chat", "1.0", true).status == 201);
  items("/internal/v1/tenants/stand-4/installations", 1);

  BOOST_TEST(items("/internal/v1/tenants/stand-5/installations", 0)["next_cursor"].IsNull());
  BOOST_TEST(marketplace.call("GET", "/internal/v1/tenants/stand-5/installations/app-chat/history")
                 .status == 404);
  BOOST_TEST(marketplace
                 .call("POST", "/internal/v1/tenants/stand-5/installations/app-chat/upgrade",
                       R"({"app_version":"2.0"})")
                 .status == 404);
  BOOST_TEST(
      marketplace
          .call("DELETE", "/internal/v1/tenants/stand-5/installations/app-chat?reason=removed")
          .status == 404);
  BOOST_TEST(tenant_events("stand-5") == 0);
  BOOST_TEST(tenant_events("stand-4") == 1);
}

BOOST_FIXTURE_TEST_CASE(malformed_requests_name_the_field_and_change_nothing, Platform) {
  const std::string target = "/internal/v1/tenants/acme/installations";
  const auto expect_400 = [&](const std::string& method, const std::string& path,
                              const std::string& body, const std::string& field) {
    const auto r = marketplace.call(method, path, body);
    BOOST_TEST(r.status == 400, method << ' ' << path << ' ' << body << ": " << r.text());
    BOOST_TEST(r.text().find(field) != std::string::npos, r.text() << " does not name " << field);
  };
  expect_400("POST", target, R"({"app_version":"1.0","sandbox":true})", "app_id");
  expect_400("POST", target, R"({"app_id":"app-chat","app_version":"1.0","sandbox":"yes"})",
             "sandbox");
  expect_400("POST", target,
             R"({"app_id":"app-chat","app_version":"1.0","sandbox":true,"extra":1})", "extra");
  expect_400("POST", target, R"({"app_id":"app chat","app_version":"1.0","sandbox":true})",
             "app_id");
  expect_400("POST", target, "{not json", "");
  expect_400("POST", "/internal/v1/tenants/bad%20tenant/installations",
             R"({"app_id":"app-chat","app_version":"1.0","sandbox":true})", "tenant_id");
  expect_400("POST", target + "/app-chat/upgrade", R"({"app_version":""})", "app_version");
  expect_400("POST", target + "/app-chat/upgrade", R"({})", "app_version");
  expect_400("GET", target + "?limit=0", "", "limit");
  expect_400("GET", target + "?limit=abc", "", "limit");
  expect_400("GET", target + "/app-chat/history?cursor=x", "", "cursor");
  BOOST_TEST(server.database().count("SELECT count(*) FROM events WHERE stream_id LIKE"
                                     " 'tenant-%'") == 0);
}

BOOST_FIXTURE_TEST_CASE(only_marketplace_and_admin_service_tokens_are_let_in, Platform) {
  const ApiClient anonymous{server.endpoint(), ""};
  const ApiClient developer{server.endpoint(), issue_token(server, TokenKind::developer, "dev-1")};
  const ApiClient admin{server.endpoint(), issue_token(server, TokenKind::service, "admin")};
  const std::string base = "/internal/v1/tenants/stand-6/installations";
  const std::string body = R"({"app_id":"app-chat","app_version":"1.0","sandbox":true})";
  // Each with a body its schema accepts: a bad body is refused before the token is looked at.
  const std::vector<std::array<std::string, 3>> calls = {
      {"POST", base, body},
      {"POST", base + "/app-chat/upgrade", R"({"app_version":"2.0"})"},
      {"DELETE", base + "/app-chat?reason=removed", ""},
      {"GET", base, ""},
      {"GET", base + "/app-chat/history", ""}};
  for (const auto& [method, path, payload] : calls) {
    BOOST_TEST(anonymous.call(method, path, payload).status == 401, method << ' ' << path);
    BOOST_TEST(
        ApiClient(server.endpoint(), "sbs_unknown").call(method, path, payload).status == 401,
        method << ' ' << path);
    BOOST_TEST(developer.call(method, path, payload).status == 403, method << ' ' << path);
  }
  BOOST_TEST(tenant_events("stand-6") == 0);
  // Administrators act for the marketplace too.
  BOOST_TEST(admin.call("POST", base, body).status == 201);
}
