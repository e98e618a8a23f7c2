// The provider's optional webhook endpoints over real sockets (seeds 000, 001: "Установка
// вебхука", "Отключение вебхука"): activating the client token tells set_webhook where to push,
// deactivating calls remove_webhook and then app_disabled, the last call for the tenant;
// replacing the token removes the old token's webhook (with the old token) before the new one's
// is set; a configuration without them, or a server without a public base URL, never calls
// set_webhook.

#include <boost/test/unit_test.hpp>
#include <thread>

#include "tests/e2e/messaging/support/messaging_stack.hpp"

namespace e2e = switchboard::tests::e2e;
using e2e::json_of;
using e2e::messaging::MessagingStack;
using e2e::messaging::Webhooks;

namespace {

std::string text_of(const rapidjson::Value& v) {
  return {v.GetString(), v.GetStringLength()};
}

// "<method> <path>" of every request the provider received, oldest first.
std::vector<std::string> calls(e2e::messaging::FakeProvider& provider) {
  std::vector<std::string> out;
  const auto received = provider.received();
  for (const auto& r : received.GetArray()) {
    out.push_back(text_of(r["method"]) + " " + text_of(r["path"]));
  }
  return out;
}

// An inbound message from the provider, as `client` (its token) sends it.
int push(const e2e::ApiClient& client, const std::string& provider_message_id) {
  return client
      .call("POST", "/public/v1/messages",
            R"({"provider_message_id":")" + provider_message_id +
                R"(","chat":{"id":"c-1","kind":"private","participants":[{"id":"ivan"}]},)"
                R"("account_id":"main","sender":{"id":"ivan"},"text":"hi"})")
      .status;
}

void deactivate_and_wait_for_the_notice(MessagingStack& stack, const e2e::ApiClient& user) {
  const auto deactivated = user.call("DELETE", "/crm/v1/connections/chatline");
  BOOST_REQUIRE_MESSAGE(deactivated.status == 200, deactivated.text());
  stack.until(user, "/crm/v1/connections", [&](const e2e::HttpResponse&) {
    return stack.provider().received("/app-disabled").Size() == 1u;
  });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(messaging_webhooks)

BOOST_AUTO_TEST_CASE(activation_sets_the_webhook_and_deactivation_removes_it_before_the_notice) {
  MessagingStack stack{e2e::messaging::fast_delivery(), Webhooks::declared};
  auto& provider = stack.provider();
  stack.install("acme");
  const auto user = stack.user("acme", "u1");
  const auto token = e2e::messaging::client_token("acme");
  stack.connect(user, token);

  stack.until(user, "/crm/v1/connections",
              [&](const e2e::HttpResponse&) { return provider.state()["webhook"].IsString(); });
  BOOST_TEST(text_of(provider.state()["webhook"]) == e2e::messaging::kPublicBaseUrl);
  const auto set = provider.received("/webhook");
  BOOST_REQUIRE_EQUAL(set.Size(), 1u);
  BOOST_TEST(text_of(set[0]["method"]) == "POST");
  BOOST_TEST(text_of(set[0]["authorization"]) == "Bearer " + token);
  BOOST_TEST(text_of(set[0]["tenant"]) == "acme");
  BOOST_TEST(!text_of(set[0]["idempotency_key"]).empty());
  rapidjson::Document body;
  body.Parse(set[0]["body"].GetString());
  BOOST_REQUIRE(body.IsObject());
  BOOST_TEST(text_of(body["url"]) == e2e::messaging::kPublicBaseUrl);
  // The provider learns where to push once Switchboard has its accounts.
  BOOST_TEST(provider.received("/accounts")[0]["seq"].GetUint64() < set[0]["seq"].GetUint64());

  deactivate_and_wait_for_the_notice(stack, user);
  BOOST_TEST(provider.state()["webhook"].IsNull());
  // remove_webhook, then app_disabled, and those two last.
  auto seen = calls(provider);
  BOOST_REQUIRE_GE(seen.size(), 2u);
  BOOST_TEST(seen[seen.size() - 2] == "DELETE /webhook");
  BOOST_TEST(seen.back() == "POST /app-disabled");
  const auto removed = provider.received("/webhook");
  BOOST_REQUIRE_EQUAL(removed.Size(), 2u);
  BOOST_TEST(text_of(removed[1]["authorization"]) == "Bearer " + token);
  BOOST_TEST(text_of(removed[1]["tenant"]) == "acme");

  // Nothing more for the tenant: a CRM user's message is refused, nothing reaches the provider.
  BOOST_TEST(
      user.call("POST", "/crm/v1/chats/chatline/c-1/messages", R"({"text":"anyone?"})").status ==
      409);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  BOOST_TEST(calls(provider).size() == seen.size());
  provider.expect_on_contract();
}

BOOST_AUTO_TEST_CASE(a_new_token_removes_the_old_tokens_webhook_before_setting_its_own) {
  MessagingStack stack{e2e::messaging::fast_delivery(), Webhooks::declared};
  auto& provider = stack.provider();
  stack.install("acme");
  const auto user = stack.user("acme", "u1");
  const auto old_token = e2e::messaging::client_token("acme");
  const auto old_client = stack.connect(user, old_token);
  stack.until(user, "/crm/v1/connections",
              [&](const e2e::HttpResponse&) { return provider.received("/webhook").Size() == 1u; });

  const auto new_token = e2e::messaging::client_token("acme");
  const auto new_client = stack.connect(user, new_token);
  // The old token is refused from the answer on; the new one works.
  BOOST_TEST(push(old_client, "pm-old") == 401);
  BOOST_TEST(push(new_client, "pm-new") == 201);

  stack.until(user, "/crm/v1/connections",
              [&](const e2e::HttpResponse&) { return provider.received("/webhook").Size() == 3u; });
  // set (old), remove (old, with the old token), set (new): one lane, in that order.
  const auto hooks = provider.received("/webhook");
  const auto who = [&](rapidjson::SizeType i) {
    return text_of(hooks[i]["method"]) + " " + text_of(hooks[i]["authorization"]);
  };
  BOOST_TEST(who(0) == "POST Bearer " + old_token);
  BOOST_TEST(who(1) == "DELETE Bearer " + old_token);
  BOOST_TEST(who(2) == "POST Bearer " + new_token);
  for (const auto& hook : hooks.GetArray()) BOOST_TEST(text_of(hook["tenant"]) == "acme");
  // The provider holds the new token's webhook only.
  const auto state = provider.state();
  const auto webhooks = state["webhooks"].GetArray();
  BOOST_REQUIRE_EQUAL(webhooks.Size(), 1u);
  BOOST_TEST(text_of(webhooks[0]["token"]) == new_token);
  BOOST_TEST(text_of(webhooks[0]["url"]) == e2e::messaging::kPublicBaseUrl);
  // The app is not disabled: the tenant keeps it, and the connection, with the new token.
  BOOST_TEST(provider.received("/app-disabled").Size() == 0u);
  BOOST_TEST(push(new_client, "pm-new-2") == 201);
  provider.expect_on_contract();
}

BOOST_AUTO_TEST_CASE(a_configuration_without_webhook_endpoints_never_gets_them_called) {
  MessagingStack stack;  // a public base URL, but no set_webhook or remove_webhook declared
  stack.install("acme");
  const auto user = stack.user("acme", "u1");
  stack.connect(user, e2e::messaging::client_token("acme"));
  // Replacing the token calls nothing for the old one either.
  stack.connect(user, e2e::messaging::client_token("acme"));
  // Jobs of a lane run in order: once app_disabled came, the webhook jobs before it were settled.
  deactivate_and_wait_for_the_notice(stack, user);
  BOOST_TEST(stack.provider().received("/webhook").Size() == 0u);
  BOOST_TEST(stack.provider().state()["webhook"].IsNull());
}

BOOST_AUTO_TEST_CASE(without_a_public_base_url_set_webhook_is_not_called_and_that_is_logged_once) {
  auto settings = e2e::messaging::fast_delivery();
  settings.erase("messaging.public_base_url");
  MessagingStack stack{settings, Webhooks::declared};
  stack.install("acme");
  const auto user = stack.user("acme", "u1");
  stack.connect(user, e2e::messaging::client_token("acme"));
  deactivate_and_wait_for_the_notice(stack, user);
  // The webhook is still removed: an earlier run with the setting may have set it.
  const auto hooks = calls(stack.provider());
  BOOST_TEST(std::count(hooks.begin(), hooks.end(), "POST /webhook") == 0);
  BOOST_TEST(std::count(hooks.begin(), hooks.end(), "DELETE /webhook") == 1);
  const auto log = stack.server().output();
  const std::string why = "messaging.public_base_url is not set";
  const auto first = log.find(why);
  BOOST_TEST(first != std::string::npos);
  BOOST_TEST(log.find(why, first + 1) == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
