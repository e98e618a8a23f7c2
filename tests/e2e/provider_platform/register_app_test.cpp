// POST /internal/v1/apps over a real socket: the marketplace registers apps; the system name
// becomes a provider code that no other app may take.
#include <boost/test/unit_test.hpp>

#include "tests/e2e/support/api_client.hpp"

using namespace switchboard;
using namespace switchboard::tests::e2e;
using domain::access::TokenKind;

namespace {

struct Platform {
  ServerProcess server;
  ApiClient marketplace{server.endpoint(), issue_token(server, TokenKind::service, "marketplace")};
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(the_marketplace_registers_an_app_once, Platform) {
  const std::string app = R"({"app_id":"app-1","system_name":"chatline","developer_id":"dev-1"})";
  const auto created = marketplace.call("POST", "/internal/v1/apps", app);
  BOOST_TEST(created.status == 201, created.text());
  // The marketplace retrying its notification changes nothing and is not an error.
  BOOST_TEST(marketplace.call("POST", "/internal/v1/apps", app).status == 201);
  BOOST_TEST(server.database().count("SELECT count(*) FROM events WHERE event_type ="
                                     " 'AppRegistered'") == 1);

  const auto other_developer =
      marketplace.call("POST", "/internal/v1/apps",
                       R"({"app_id":"app-1","system_name":"chatline","developer_id":"dev-2"})");
  BOOST_TEST(other_developer.status == 409);
  const auto name_taken =
      marketplace.call("POST", "/internal/v1/apps",
                       R"({"app_id":"app-2","system_name":"chatline","developer_id":"dev-2"})");
  BOOST_TEST(name_taken.status == 409);
  BOOST_TEST(name_taken.text().find("system_name") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(bad_input_names_the_field_and_changes_nothing, Platform) {
  const auto missing = marketplace.call("POST", "/internal/v1/apps", R"({"app_id":"a-1"})");
  BOOST_TEST(missing.status == 400);
  BOOST_TEST(missing.text().find("system_name") != std::string::npos);
  const auto bad_name =
      marketplace.call("POST", "/internal/v1/apps",
                       R"({"app_id":"a-1","system_name":"Not A Code","developer_id":"d"})");
  BOOST_TEST(bad_name.status == 400);
  BOOST_TEST(bad_name.text().find("system_name") != std::string::npos);
  BOOST_TEST(marketplace.call("POST", "/internal/v1/apps", "{not json").status == 400);
  BOOST_TEST(server.database().count("SELECT count(*) FROM events WHERE event_type LIKE 'App%'"
                                     " OR event_type LIKE 'Provider%'") == 0);
}

BOOST_FIXTURE_TEST_CASE(only_service_tokens_may_register, Platform) {
  const std::string app = R"({"app_id":"app-9","system_name":"other","developer_id":"dev-9"})";
  BOOST_TEST(ApiClient(server.endpoint(), "").call("POST", "/internal/v1/apps", app).status == 401);
  BOOST_TEST(
      ApiClient(server.endpoint(), "sbs_wrong").call("POST", "/internal/v1/apps", app).status ==
      401);
  const ApiClient developer{server.endpoint(), issue_token(server, TokenKind::developer, "dev-9")};
  BOOST_TEST(developer.call("POST", "/internal/v1/apps", app).status == 403);
  BOOST_TEST(server.database().count("SELECT count(*) FROM events WHERE event_type ="
                                     " 'AppRegistered'") == 0);
}
