// The fake messaging provider (tools/fake_provider) as the end-to-end tests use it: tokens,
// account listings, Idempotency-Key, history pages, modes, the request record and /push.

#include "tests/e2e/messaging/support/fake_provider.hpp"

#include <boost/system/system_error.hpp>
#include <boost/test/unit_test.hpp>
#include <string>

namespace e2e = switchboard::tests::e2e;
using e2e::HttpRequest;
using e2e::HttpResponse;
using e2e::messaging::FakeProvider;
using e2e::messaging::ProviderMode;

namespace {

const std::string kToken = "client-token-0123456789-0123456789-abcdef";

struct Fixture {
  e2e::TempDir dir;
  FakeProvider provider{dir};

  Fixture() { provider.add_token(kToken); }

  HttpResponse call(const std::string& method, const std::string& target,
                    const std::string& body = {}, const std::string& key = {},
                    const std::string& token = kToken,
                    std::chrono::milliseconds timeout = std::chrono::seconds{5}) {
    HttpRequest request{
        .method = method, .target = target, .headers = {}, .body = body, .gzip_body = false};
    if (!token.empty()) request.headers.emplace_back("Authorization", "Bearer " + token);
    if (!key.empty()) request.headers.emplace_back("Idempotency-Key", key);
    request.headers.emplace_back("X-Switchboard-Tenant", "acme");
    if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
    return e2e::send(provider.endpoint(), request, timeout);
  }
};

rapidjson::Document json(const HttpResponse& r) {
  rapidjson::Document d;
  d.Parse(r.body.data(), r.body.size());
  BOOST_REQUIRE_MESSAGE(!d.HasParseError(), "not JSON: " << r.body);
  return d;
}

std::string str(const rapidjson::Value& v) {
  return {v.GetString(), v.GetStringLength()};
}

const std::string kSend = R"({"message_id":"m-1","chat_id":"c-1","account_id":"ch-1","text":"hi"})";

}  // namespace

BOOST_FIXTURE_TEST_SUITE(fake_provider, Fixture)

BOOST_AUTO_TEST_CASE(requests_without_a_known_token_get_401_and_are_recorded) {
  BOOST_TEST(call("GET", "/accounts", {}, {}, "").status == 401);
  BOOST_TEST(call("GET", "/accounts", {}, {}, "not-a-token").status == 401);
  BOOST_TEST(call("POST", "/messages", kSend, "k-1", "not-a-token").status == 401);
  BOOST_TEST(call("GET", "/accounts").status == 200);

  const auto all = provider.received();
  BOOST_REQUIRE_EQUAL(all.Size(), 4u);
  BOOST_TEST(all[0]["status"].GetInt() == 401);
  BOOST_TEST(str(all[1]["authorization"]) == "Bearer not-a-token");
  BOOST_TEST(str(all[2]["idempotency_key"]) == "k-1");
  BOOST_TEST(str(all[3]["tenant"]) == "acme");
  BOOST_TEST(all[3]["status"].GetInt() == 200);
  // Nothing was sent for the refused call.
  BOOST_TEST(provider.state()["sent"].GetInt() == 0);
}

BOOST_AUTO_TEST_CASE(accounts_are_listed_for_multi_and_single_channel_providers) {
  const auto listed = json(call("GET", "/accounts"));
  const auto& accounts = listed["accounts"];
  BOOST_REQUIRE_EQUAL(accounts.Size(), 1u);
  BOOST_TEST(str(accounts[0]["id"]) == "ch-1");
  BOOST_TEST(str(accounts[0]["channel_code"]) == "telegram");

  BOOST_TEST(provider.control("POST", "/accounts", R"({"channels":3})").status == 200);
  BOOST_TEST(json(call("GET", "/accounts"))["accounts"].Size() == 3u);

  provider.control("POST", "/accounts",
                   R"({"accounts":[{"id":"sq-1","channel_code":"squawk","name":"New"}]})");
  const auto custom = json(call("GET", "/accounts"));
  BOOST_REQUIRE_EQUAL(custom["accounts"].Size(), 1u);
  BOOST_TEST(str(custom["accounts"][0]["channel_code"]) == "squawk");

  // A single-channel provider reports no channels.
  provider.control("POST", "/accounts", R"({"accounts":[]})");
  BOOST_TEST(json(call("GET", "/accounts"))["accounts"].Size() == 0u);
}

BOOST_AUTO_TEST_CASE(a_repeated_idempotency_key_gets_the_first_answer_and_counts_as_a_repeat) {
  const auto first = call("POST", "/messages", kSend, "job-1");
  BOOST_REQUIRE_EQUAL(first.status, 200);
  const auto id = str(json(first)["provider_message_id"]);
  BOOST_TEST(id.starts_with("sent-"));
  BOOST_TEST(str(json(call("POST", "/messages", kSend, "job-1"))["provider_message_id"]) == id);
  BOOST_TEST(str(json(call("POST", "/messages", kSend, "job-2"))["provider_message_id"]) != id);

  const auto sends = provider.received("/messages");
  BOOST_REQUIRE_EQUAL(sends.Size(), 3u);
  BOOST_TEST(!sends[0]["repeat"].GetBool());
  BOOST_TEST(sends[1]["repeat"].GetBool());
  BOOST_TEST(!sends[2]["repeat"].GetBool());
  BOOST_TEST(str(sends[0]["body"]) == kSend);
  const auto state = provider.state();
  BOOST_TEST(state["sent"].GetInt() == 2);
  BOOST_TEST(state["counters"]["repeats"].GetInt() == 1);
  // The path filter is exact: /messages/text is another endpoint.
  BOOST_TEST(
      call("POST", "/messages/text", R"({"message_id":"m-1","chat_id":"c-1","text":"x"})", "job-3")
          .status == 200);
  BOOST_TEST(provider.received("/messages").Size() == 3u);
  BOOST_TEST(provider.received("/messages/text").Size() == 1u);
}

BOOST_AUTO_TEST_CASE(history_is_served_in_pages_even_under_one_key) {
  provider.control("POST", "/history",
                   R"({"page_size":2,"messages":[{"provider_message_id":"h-1"},)"
                   R"({"provider_message_id":"h-2"},{"provider_message_id":"h-3"}]})");
  const auto first = json(call("GET", "/history?cursor=", {}, "sync-1"));
  BOOST_REQUIRE_EQUAL(first["messages"].Size(), 2u);
  BOOST_TEST(str(first["messages"][0]["provider_message_id"]) == "h-1");
  const auto cursor = str(first["next_cursor"]);
  const auto second = json(call("GET", "/history?cursor=" + cursor, {}, "sync-1"));
  BOOST_REQUIRE_EQUAL(second["messages"].Size(), 1u);
  BOOST_TEST(str(second["messages"][0]["provider_message_id"]) == "h-3");
  BOOST_TEST(second["next_cursor"].IsNull());
  BOOST_TEST(call("GET", "/history?cursor=bogus").status == 400);
}

BOOST_AUTO_TEST_CASE(bodies_without_the_contract_fields_are_refused) {
  BOOST_TEST(call("POST", "/messages", R"({"chat_id":"c-1"})").status == 400);
  BOOST_TEST(call("POST", "/messages", "not json").status == 400);
  BOOST_TEST(
      call("POST", "/app-disabled", R"({"tenant_id":"acme","reason":"deactivated"})").status ==
      200);
  BOOST_TEST(call("GET", "/messages").status == 405);
  BOOST_TEST(call("GET", "/nowhere").status == 404);
  const auto bulk = call("POST", "/bulk",
                         R"({"messages":[{"message_id":"a","chat_id":"c"},)"
                         R"({"message_id":"b","chat_id":"c"}]})");
  BOOST_REQUIRE_EQUAL(bulk.status, 200);
  BOOST_TEST(json(bulk)["results"].Size() == 2u);
  BOOST_TEST(call("POST", "/webhook", R"({"url":"http://example.test/hook"})").status == 200);
  BOOST_TEST(str(provider.state()["webhook"]) == "http://example.test/hook");
  BOOST_TEST(call("DELETE", "/webhook").status == 200);
  BOOST_TEST(provider.state()["webhook"].IsNull());
}

BOOST_AUTO_TEST_CASE(webhooks_are_kept_per_token) {
  const std::string other = "client-token-9876543210-9876543210-fedcba";
  provider.add_token(other);
  BOOST_TEST(call("POST", "/webhook", R"({"url":"http://a.test/hook"})").status == 200);
  BOOST_TEST(call("POST", "/webhook", R"({"url":"http://b.test/hook"})", {}, other).status == 200);
  // Removing one token's webhook leaves the other's.
  BOOST_TEST(call("DELETE", "/webhook").status == 200);
  auto state = provider.state();
  BOOST_REQUIRE_EQUAL(state["webhooks"].Size(), 1u);
  BOOST_TEST(str(state["webhooks"][0]["token"]) == other);
  BOOST_TEST(str(state["webhooks"][0]["url"]) == "http://b.test/hook");
  BOOST_TEST(str(state["webhook"]) == "http://b.test/hook");
  // "webhook" is the newest one set.
  BOOST_TEST(call("POST", "/webhook", R"({"url":"http://a.test/v2"})").status == 200);
  state = provider.state();
  BOOST_REQUIRE_EQUAL(state["webhooks"].Size(), 2u);
  BOOST_TEST(str(state["webhook"]) == "http://a.test/v2");
  BOOST_TEST(call("DELETE", "/webhook", {}, {}, other).status == 200);
  BOOST_TEST(call("DELETE", "/webhook").status == 200);
  BOOST_TEST(provider.state()["webhooks"].Size() == 0u);
  BOOST_TEST(provider.state()["webhook"].IsNull());
}

BOOST_AUTO_TEST_CASE(down_refuses_connections_and_up_reopens_the_same_port) {
  provider.set_mode({.mode = "down"});
  BOOST_CHECK_THROW(call("GET", "/accounts"), boost::system::system_error);
  BOOST_TEST(provider.state()["listening"].GetBool() == false);
  provider.set_mode({.mode = "up"});
  BOOST_TEST(call("GET", "/accounts").status == 200);
}

BOOST_AUTO_TEST_CASE(slow_answers_after_the_delay) {
  provider.set_mode({.mode = "slow", .delay_ms = 1500});
  BOOST_CHECK_THROW(
      call("POST", "/messages", kSend, "slow-1", kToken, std::chrono::milliseconds{300}),
      std::runtime_error);
  // The timed-out call took effect: its retry is a repeat with the same answer.
  const auto started = std::chrono::steady_clock::now();
  const auto retried = call("POST", "/messages", kSend, "slow-1");
  BOOST_TEST(retried.status == 200);
  BOOST_TEST((std::chrono::steady_clock::now() - started >= std::chrono::milliseconds{1400}));
  BOOST_TEST(provider.received("/messages")[1]["repeat"].GetBool());
  provider.set_mode({});
  const auto quick = std::chrono::steady_clock::now();
  BOOST_TEST(call("GET", "/accounts").status == 200);
  BOOST_TEST((std::chrono::steady_clock::now() - quick < std::chrono::milliseconds{1000}));
}

BOOST_AUTO_TEST_CASE(failing_answers_the_status_for_n_requests_without_effect) {
  provider.set_mode({.mode = "failing", .status = 503, .count = 2});
  BOOST_TEST(call("POST", "/messages", kSend, "f-1").status == 503);
  BOOST_TEST(call("POST", "/messages", kSend, "f-1").status == 503);
  const auto third = call("POST", "/messages", kSend, "f-1");
  BOOST_TEST(third.status == 200);
  BOOST_TEST(provider.received("/messages")[2]["repeat"].GetBool() == false);
  BOOST_TEST(str(provider.state()["mode"]) == "normal");

  // count 0: until reset, which also forgets what was received.
  provider.set_mode({.mode = "failing", .status = 400});
  for (int i = 0; i < 3; ++i) BOOST_TEST(call("GET", "/accounts").status == 400);
  BOOST_TEST(provider.control("POST", "/reset", "{}").status == 200);
  BOOST_TEST(provider.received().Size() == 0u);
  BOOST_TEST(call("GET", "/accounts").status == 200);
}

BOOST_AUTO_TEST_CASE(push_forwards_a_request_with_the_token_and_returns_the_answer) {
  // The fake's own provider port stands in for Switchboard here.
  const auto pushed = provider.control(
      "POST", "/push",
      R"({"switchboard":")" + provider.base_url() + R"(","token":")" + kToken +
          R"(","path":"/messages","idempotency_key":"push-1","body":)" + kSend + "}");
  BOOST_REQUIRE_EQUAL(pushed.status, 200);
  BOOST_TEST(str(json(pushed)["provider_message_id"]).starts_with("sent-"));
  const auto received = provider.received("/messages");
  BOOST_REQUIRE_EQUAL(received.Size(), 1u);
  BOOST_TEST(str(received[0]["authorization"]) == "Bearer " + kToken);
  BOOST_TEST(str(received[0]["idempotency_key"]) == "push-1");

  const auto refused =
      provider.control("POST", "/push",
                       R"({"switchboard":")" + provider.base_url() +
                           R"(","token":"wrong","path":"/accounts","method":"GET"})");
  BOOST_TEST(refused.status == 401);
  provider.set_mode({.mode = "down"});
  const auto unreachable = provider.control(
      "POST", "/push", R"({"switchboard":")" + provider.base_url() + R"(","path":"/accounts"})");
  BOOST_TEST(unreachable.status == 502);
}

BOOST_AUTO_TEST_CASE(restart_keeps_the_ports_and_forgets_the_tokens) {
  const auto port = provider.port();
  provider.restart();
  BOOST_TEST(provider.port() == port);
  BOOST_TEST(call("GET", "/accounts").status == 401);
  provider.add_token(kToken);
  BOOST_TEST(call("GET", "/accounts").status == 200);
}

BOOST_AUTO_TEST_SUITE_END()
