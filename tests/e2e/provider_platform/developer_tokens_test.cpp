// Developer tokens over a real socket: the marketplace issues a developer their first token,
// the developer rotates it; secrets are shown once and only their hashes are recorded.
#include "tests/e2e/provider_platform/provider_api.hpp"

using namespace switchboard;
using namespace switchboard::tests::e2e;

namespace {

// Polls until `client` is answered with `status` on its developer routes.
void wait_for_status(const ProviderApi& api, const ApiClient& client, int status) {
  api.until(client, ProviderApi::configurations_path("chatline"),
            [status](const HttpResponse& r) { return r.status == status; });
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(the_marketplace_issues_a_developer_token_shown_once, ProviderApi) {
  provider("app-1", "chatline", "dev-1");
  const auto issued = marketplace.call("POST", "/internal/v1/developers/dev-1/tokens");
  BOOST_TEST(issued.status == 201, issued.text());
  const auto d = json_of(issued);
  const std::string secret = d["token"].GetString();
  BOOST_TEST(secret.starts_with("sbd_"));
  BOOST_TEST(d["developer_id"].GetString() == std::string("dev-1"));
  BOOST_TEST(events("data::text LIKE '%" + secret + "%'") == 0);

  const ApiClient dev{server.endpoint(), secret};
  wait_for_status(*this, dev, 200);

  BOOST_TEST(developer("dev-1").call("POST", "/internal/v1/developers/dev-1/tokens").status == 403);
  BOOST_TEST(ApiClient(server.endpoint(), "")
                 .call("POST", "/internal/v1/developers/dev-1/tokens")
                 .status == 401);
  // The fixture's marketplace and admin tokens, the one issued here, the one refused above.
  BOOST_TEST(events("event_type = 'TokenIssued'") == 4);
}

BOOST_FIXTURE_TEST_CASE(rotation_replaces_the_calling_token, ProviderApi) {
  provider("app-1", "chatline", "dev-1");
  const auto old_token = developer("dev-1");
  const auto rotated = old_token.call("POST", "/developer/v1/tokens");
  BOOST_TEST(rotated.status == 201, rotated.text());
  const auto d = json_of(rotated);
  BOOST_TEST(d["developer_id"].GetString() == std::string("dev-1"));
  BOOST_TEST(d["revoked_token_id"].IsString());
  const ApiClient new_token{server.endpoint(), d["token"].GetString()};

  wait_for_status(*this, old_token, 401);
  wait_for_status(*this, new_token, 200);
  BOOST_TEST(old_token.call("POST", "/developer/v1/tokens").status == 401);
  BOOST_TEST(marketplace.call("POST", "/developer/v1/tokens").status == 403);
  BOOST_TEST(ApiClient(server.endpoint(), "").call("POST", "/developer/v1/tokens").status == 401);
  BOOST_TEST(events("event_type = 'TokenRevoked'") == 1);
}
