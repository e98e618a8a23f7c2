// Credentials come before the body: a caller that is missing, unknown or of another kind gets
// 401/403 (404 for another developer's provider) even when the body is malformed, so the body's
// shape is told only to callers allowed to send it. The same body from a valid caller is a 400
// naming the field.

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <string>
#include <utility>
#include <vector>

#include "tests/e2e/messaging/support/messaging_stack.hpp"

namespace e2e = switchboard::tests::e2e;
namespace messaging = switchboard::tests::e2e::messaging;
using switchboard::domain::access::TokenKind;

namespace {

struct Refused {
  std::string who;
  const e2e::ApiClient& caller;
  int status;
};

// `body` is malformed at `field`: each refused caller gets its status, `valid` the 400.
void credentials_first(const std::string& method, const std::string& target,
                       const std::string& body, const std::vector<Refused>& refused,
                       const e2e::ApiClient& valid, const std::string& field) {
  for (const auto& r : refused) {
    const auto answer = r.caller.call(method, target, body);
    BOOST_TEST(answer.status == r.status, method << " " << target << " as " << r.who << ": "
                                                 << answer.status << " " << answer.text());
    BOOST_TEST(!e2e::mentions(answer, field), r.who << " learns nothing of the body");
  }
  const auto answer = valid.call(method, target, body);
  BOOST_TEST(answer.status == 400, method << " " << target << ": " << answer.text());
  const auto fields = e2e::problem_fields(answer);
  BOOST_TEST((std::find(fields.begin(), fields.end(), field) != fields.end()), answer.text());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(auth_first)

BOOST_AUTO_TEST_CASE(every_token_kind_is_checked_before_the_body) {
  messaging::MessagingStack stack;
  stack.install("acme");
  const auto& server = stack.server();
  const auto user = stack.user("acme", "u1");
  const auto client = stack.connect(user, messaging::client_token("acme"));
  const e2e::ApiClient nobody = stack.client("");
  const e2e::ApiClient unknown = stack.client(std::string(43, 'z'));
  const e2e::ApiClient developer{server.endpoint(),
                                 e2e::issue_token(server, TokenKind::developer, "dev-42")};
  const e2e::ApiClient other_developer{server.endpoint(),
                                       e2e::issue_token(server, TokenKind::developer, "dev-7")};

  const std::vector<Refused> anonymous{{"no token", nobody, 401},
                                       {"an unknown token", unknown, 401}};
  const auto with = [&anonymous](const std::vector<Refused>& more) {
    auto all = anonymous;
    for (const auto& r : more) all.push_back(r);
    return all;
  };

  // Client token (the provider's public API).
  credentials_first(
      "POST", "/public/v1/messages", R"({"chat":7})",
      with({{"a CRM user's token", user, 403}, {"a developer token", developer, 403}}), client,
      "/chat");
  // CRM user token.
  credentials_first("POST", "/crm/v1/connections", R"({"provider_code":7,"token":"t"})",
                    with({{"the provider's client token", client, 403},
                          {"a marketplace token", stack.marketplace(), 403}}),
                    user, "/provider_code");
  // Marketplace service token.
  credentials_first(
      "POST", "/internal/v1/apps",
      R"({"app_id":"app-x","system_name":"x-x","developer_id":"d","initial_version":1})",
      with({{"a developer token", developer, 403}, {"a CRM user's token", user, 403}}),
      stack.marketplace(), "/initial_version");
  // Admin service token: the marketplace's is another role.
  credentials_first("POST", "/admin/v1/apps/app-chatline/moderation", R"({"decision":1})",
                    with({{"a marketplace token", stack.marketplace(), 403}}), stack.admin(),
                    "/decision");
  // Developer token: another developer's provider is not found, whatever the body.
  credentials_first("POST", "/developer/v1/providers/chatline/configurations",
                    R"({"version":"2","app_version":"1.0","auth_type":"token","endpoints":{}})",
                    with({{"a marketplace token", stack.marketplace(), 403},
                          {"another developer's token", other_developer, 404}}),
                    developer, "/version");

  // An oversized body is refused before the credentials: it is never read, so refusing it tells
  // nothing about the route.
  const auto oversized =
      nobody.call("POST", "/public/v1/messages", "{\"x\":\"" + std::string(1 << 20, 'a') + "\"}");
  BOOST_TEST(oversized.status == 413, oversized.text());
}

BOOST_AUTO_TEST_SUITE_END()
