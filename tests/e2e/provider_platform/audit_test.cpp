// `switchboard-admin audit` tells a provider's and a tenant's whole story from the event log
// (issue item 6): the app's stream holds the provider's lifecycle; the tenant's stream and
// --tenant (metadata.tenant, set by the installation routes) hold its installations.
#include <rapidjson/document.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <memory>
#include <vector>

#include "tests/e2e/support/api_client.hpp"
#include "tests/support/platform_setup.hpp"

using namespace switchboard;
using namespace switchboard::tests::e2e;
using domain::access::TokenKind;

namespace {

// The event types `switchboard-admin audit <filter> --format jsonl` prints, oldest first.
std::vector<std::string> audited_types(const ServerProcess& server, const std::string& filter) {
  const auto command = std::string(SWITCHBOARD_ADMIN_BINARY) + " audit " + filter +
                       " --format jsonl --database-url '" + server.database().admin_url() +
                       "' 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> out(::popen(command.c_str(), "r"), ::pclose);
  BOOST_REQUIRE(out);
  std::vector<std::string> types;
  char line[65536];
  while (std::fgets(line, sizeof line, out.get()) != nullptr) {
    rapidjson::Document d;
    d.Parse(line);
    BOOST_REQUIRE_MESSAGE(d.IsObject(), "not a JSON line: " << line);
    types.emplace_back(d["event_type"].GetString());
  }
  return types;
}

}  // namespace

BOOST_AUTO_TEST_CASE(audit_shows_a_providers_and_a_tenants_full_history) {
  ServerProcess server;
  const ApiClient marketplace{server.endpoint(),
                              issue_token(server, TokenKind::service, "marketplace")};
  tests::PlatformSetup setup(server.database().app_url());
  setup.provider("app-chat", "chat", "dev-1", "1.0");
  setup.configuration("app-chat", 1, "1.0");
  setup.version("app-chat", "2.0");
  setup.publish("app-chat");

  const std::string installations = "/internal/v1/tenants/acme/installations";
  BOOST_REQUIRE(marketplace
                    .call("POST", installations,
                          R"({"app_id":"app-chat","app_version":"1.0","sandbox":false})")
                    .status == 201);
  BOOST_REQUIRE(
      marketplace.call("POST", installations + "/app-chat/upgrade", R"({"app_version":"2.0"})")
          .status == 200);
  BOOST_REQUIRE(marketplace.call("DELETE", installations + "/app-chat?reason=removed").status ==
                200);

  const std::vector<std::string> provider = {
      "AppRegistered",           "CommunicationsScopeEnabled", "ConfigurationUploaded",
      "AppVersionCreated",       "ModerationDecided",          "TestStandResultRecorded",
      "TestStandResultRecorded", "ProductionApproved",         "AppPublished"};
  BOOST_TEST(audited_types(server, "--stream app-app-chat") == provider,
             boost::test_tools::per_element());
  const std::vector<std::string> tenant = {"AppInstalled", "AppUpgraded", "AppRemoved"};
  BOOST_TEST(audited_types(server, "--stream tenant-acme") == tenant,
             boost::test_tools::per_element());
  BOOST_TEST(audited_types(server, "--tenant acme") == tenant, boost::test_tools::per_element());
}
