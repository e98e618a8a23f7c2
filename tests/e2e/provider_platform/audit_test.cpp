// `switchboard-admin audit` tells a provider's and a tenant's whole story from the event log
// (issue item 6): the app's stream holds the provider's lifecycle; the tenant's stream and
// --tenant (metadata.tenant, set by the installation routes) hold its installations.
#include <boost/test/unit_test.hpp>
#include <vector>

#include "tests/e2e/support/api_client.hpp"
#include "tests/support/platform_setup.hpp"

using namespace switchboard;
using namespace switchboard::tests::e2e;
using domain::access::TokenKind;

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
  BOOST_TEST(audited_types(SWITCHBOARD_ADMIN_BINARY, server, "--stream app-app-chat") == provider,
             boost::test_tools::per_element());
  const std::vector<std::string> tenant = {"AppInstalled", "AppUpgraded", "AppRemoved"};
  BOOST_TEST(audited_types(SWITCHBOARD_ADMIN_BINARY, server, "--stream tenant-acme") == tenant,
             boost::test_tools::per_element());
  BOOST_TEST(audited_types(SWITCHBOARD_ADMIN_BINARY, server, "--tenant acme") == tenant,
             boost::test_tools::per_element());
}
