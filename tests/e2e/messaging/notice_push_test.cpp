// Update notices pushed to developers' notice webhooks over real sockets: the server, and the fake
// provider as the developer's receiver, which checks each push's signature the way the guide
// tells providers to. Registration and its refusals, each change of a notice arriving signed,
// a receiver down and back, a push given up, and the operator's view of each.
#include <boost/test/unit_test.hpp>
#include <string>
#include <thread>

#include "tests/e2e/messaging/support/messaging_stack.hpp"

using namespace switchboard;
using namespace switchboard::tests::e2e;
using namespace switchboard::tests::e2e::messaging;

namespace {

constexpr const char* kWebhook = "/developer/v1/notice-webhook";

std::string notice_body(const std::string& title,
                        const std::string& providers = R"(["chatline"])") {
  return R"({"title":{"ru":")" + title + R"x( (ru)","en":")x" + title +
         R"("},"body":{"ru":"Текст","en":"Text"},"api_version":"v1",)"
         R"("effective_date":"2027-03-01","providers":)" +
         providers + R"(,"endpoints":[]})";
}

std::string url_body(const std::string& url) {
  return R"({"url":")" + url + R"("})";
}

// The stack's provider chatline (developer dev-42), whose developer may register the fake as
// their notice webhook.
struct PushStack {
  explicit PushStack(Settings settings = fast_delivery()) : stack(std::move(settings)) {}

  MessagingStack stack;
  ApiClient dev42{stack.server().endpoint(),
                  issue_token(stack.server(), domain::access::TokenKind::developer, "dev-42")};

  std::string receiver_url() { return stack.provider().base_url() + kNoticeWebhookPath; }

  // Registers the fake as dev-42's notice webhook and gives it the secret; returns the secret.
  std::string register_receiver() {
    const auto registered = dev42.call("PUT", kWebhook, url_body(receiver_url()));
    BOOST_REQUIRE_MESSAGE(registered.status == 201 || registered.status == 200, registered.text());
    const std::string secret = json_of(registered)["secret"].GetString();
    stack.provider().set_notice_secret(secret);
    return secret;
  }

  std::string publish(const std::string& title, const std::string& providers = R"(["chatline"])") {
    const auto r = stack.admin().call("POST", "/admin/v1/notices", notice_body(title, providers));
    BOOST_REQUIRE_MESSAGE(r.status == 201, r.text());
    return json_of(r)["notice_id"].GetString();
  }

  // The pushes the fake accepted (signature checked), oldest first.
  rapidjson::Document accepted() {
    rapidjson::Document d;
    d.CopyFrom(stack.provider().state()["notices"], d.GetAllocator());
    return d;
  }

  // Waits until the fake accepted a push of `change` of `notice_id`; returns its body.
  rapidjson::Document until_pushed(const std::string& notice_id, const std::string& change) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    for (;;) {
      const auto pushes = accepted();
      for (const auto& p : pushes.GetArray()) {
        const auto& n = p["notice"];
        if (notice_id == n["notice_id"].GetString() && change == n["change"].GetString()) {
          rapidjson::Document d;
          d.CopyFrom(n, d.GetAllocator());
          return d;
        }
      }
      if (std::chrono::steady_clock::now() > deadline) {
        BOOST_FAIL("no " << change << " push of " << notice_id << " arrived");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  // The operator's `push` of provider `code` on notice `notice_id`, once `done` holds of it.
  rapidjson::Document until_push_state(const std::string& notice_id, const std::string& code,
                                       const std::function<bool(const rapidjson::Value&)>& done) {
    rapidjson::Document push;
    stack.until(stack.admin(), "/admin/v1/notices/" + notice_id, [&](const HttpResponse& r) {
      const auto d = json_of(r);
      if (r.status != 200) return false;
      for (const auto& a : d["acknowledgements"].GetArray()) {
        if (code == a["provider_code"].GetString() && done(a["push"])) {
          push.CopyFrom(a["push"], push.GetAllocator());
          return true;
        }
      }
      return false;
    });
    return push;
  }

  static bool in_state(const rapidjson::Value& push, const char* state) {
    return push["state"].GetString() == std::string(state);
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(each_change_of_a_notice_reaches_the_webhook_signed) {
  PushStack s;
  const auto secret = s.register_receiver();
  BOOST_TEST(secret.starts_with("sbw_"));
  const auto shown = s.dev42.call("GET", kWebhook);
  BOOST_TEST(shown.status == 200, shown.text());
  BOOST_TEST(json_of(shown)["url"].GetString() == s.receiver_url());
  BOOST_TEST(!mentions(shown, secret), "the secret is shown once, at registration");

  const auto id = s.publish("Contract v2");
  const auto published = s.until_pushed(id, "published");
  BOOST_TEST(published["provider_code"].GetString() == std::string("chatline"));
  BOOST_TEST(published["title"]["ru"].GetString() == std::string("Contract v2 (ru)"));
  BOOST_TEST(published["title"]["en"].GetString() == std::string("Contract v2"));
  BOOST_TEST(published["body"]["ru"].GetString() == std::string("Текст"));
  BOOST_TEST(published["providers"][0].GetString() == std::string("chatline"));
  BOOST_TEST(published["effective_date"].GetString() == std::string("2027-03-01"));
  BOOST_TEST(published["published_at"].IsString());
  BOOST_TEST(published["withdrawn_at"].IsNull());
  const auto delivered = s.until_push_state(
      id, "chatline", [](const auto& p) { return PushStack::in_state(p, "delivered"); });
  BOOST_TEST(delivered["change"].GetString() == std::string("published"));
  BOOST_TEST(delivered["delivered_at"].IsString());
  BOOST_TEST(delivered["failure_reason"].IsNull());

  const auto corrected_at =
      s.stack.admin().call("PUT", "/admin/v1/notices/" + id, notice_body("Contract v2, corrected"));
  BOOST_REQUIRE_MESSAGE(corrected_at.status == 200, corrected_at.text());
  const auto corrected = s.until_pushed(id, "corrected");
  BOOST_TEST(corrected["title"]["en"].GetString() == std::string("Contract v2, corrected"));
  BOOST_TEST(corrected["updated_at"].IsString());

  const auto withdrawn_at = s.stack.admin().call("POST", "/admin/v1/notices/" + id + "/withdrawal",
                                                 R"({"reason":"postponed"})");
  BOOST_REQUIRE_MESSAGE(withdrawn_at.status == 200, withdrawn_at.text());
  const auto withdrawn = s.until_pushed(id, "withdrawn");
  BOOST_TEST(withdrawn["withdrawal_reason"].GetString() == std::string("postponed"));
  BOOST_TEST(withdrawn["withdrawn_at"].IsString());
  s.until_push_state(id, "chatline", [](const auto& p) {
    return PushStack::in_state(p, "delivered") && p["change"] == "withdrawn";
  });
  // Each change once: published, corrected, withdrawn.
  BOOST_TEST(s.accepted().Size() == 3u);

  // A receiver that cannot verify the signature (here: it holds another secret) refuses the
  // push; that is final, and the operator sees why.
  s.stack.provider().set_notice_secret("sbw_not-the-secret");
  const auto refused_id = s.publish("Refused");
  const auto failed = s.until_push_state(
      refused_id, "chatline", [](const auto& p) { return PushStack::in_state(p, "failed"); });
  BOOST_TEST(failed["failure_reason"].GetString() == std::string("rejected"));
  BOOST_TEST(failed["failed_at"].IsString());
  BOOST_TEST(std::string(failed["failure_detail"].GetString()).find("401") != std::string::npos);
  BOOST_TEST(s.accepted().Size() == 3u);
  s.stack.provider().expect_on_contract();
}

BOOST_AUTO_TEST_CASE(a_receiver_down_then_back_gets_the_push_once) {
  PushStack s;
  s.register_receiver();
  s.stack.provider().set_mode({.mode = "down"});
  const auto id = s.publish("While down");
  // Queued and retried meanwhile.
  s.until_push_state(id, "chatline",
                     [](const auto& p) { return PushStack::in_state(p, "pending"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  BOOST_TEST(PushStack::in_state(
      s.until_push_state(id, "chatline", [](const auto&) { return true; }), "pending"));
  s.stack.provider().set_mode({.mode = "up"});
  s.until_pushed(id, "published");
  s.until_push_state(id, "chatline",
                     [](const auto& p) { return PushStack::in_state(p, "delivered"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  BOOST_TEST(s.accepted().Size() == 1u);
  BOOST_TEST(s.stack.provider().received(kNoticeWebhookPath).Size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_push_not_delivered_within_the_expiry_is_given_up) {
  PushStack s{fast_delivery(2'000)};
  s.register_receiver();
  s.stack.provider().set_mode({.mode = "down"});
  const auto id = s.publish("Never delivered");
  const auto failed = s.until_push_state(
      id, "chatline", [](const auto& p) { return PushStack::in_state(p, "failed"); });
  BOOST_TEST(failed["failure_reason"].GetString() == std::string("expired"));
  // Recorded in the notice's stream, for the audit trail.
  BOOST_TEST(
      s.stack.server().database().count("SELECT count(*) FROM events WHERE stream_id = 'notice-" +
                                        id + "' AND event_type = 'ProviderNoticePushFailed'") == 1);
  s.stack.provider().set_mode({.mode = "up"});
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  BOOST_TEST(s.accepted().Size() == 0u);
}

BOOST_AUTO_TEST_CASE(a_webhook_is_its_developers_alone_and_checked) {
  PushStack s;
  // Refusals name the field, change nothing.
  for (const auto& [body, field] : std::vector<std::pair<std::string, std::string>>{
           {url_body("http://provider.example/notices"), "/url"},
           {url_body("ftp://provider.example/notices"), "/url"},
           {url_body("not a url"), "/url"},
           {R"({"url":5})", "/url"},
           {R"({})", "url"},
           {R"({"url":"https://provider.example/n","secret":"mine"})", "secret"}}) {
    const auto refused = s.dev42.call("PUT", kWebhook, body);
    BOOST_TEST_CONTEXT(body) {
      BOOST_TEST(refused.status == 400, refused.text());
      BOOST_TEST(
          refused.header("Content-Type").value_or("").starts_with("application/problem+json"));
      BOOST_TEST(mentions(refused, field), refused.text());
    }
  }
  const auto broken = s.dev42.call("PUT", kWebhook, R"({"url":)");
  BOOST_TEST(broken.status == 400);
  BOOST_TEST(broken.header("Content-Type").value_or("").starts_with("application/problem+json"));
  BOOST_TEST(s.stack.server().database().count(
                 "SELECT count(*) FROM events WHERE event_type LIKE 'NoticeWebhook%'") == 0);
  BOOST_TEST(s.dev42.call("GET", kWebhook).status == 404);
  BOOST_TEST(s.dev42.call("DELETE", kWebhook).status == 404);
  // Only developers have one.
  BOOST_TEST(ApiClient(s.stack.server().endpoint(), "").call("GET", kWebhook).status == 401);
  BOOST_TEST(s.stack.admin().call("PUT", kWebhook, url_body(s.receiver_url())).status == 403);

  const auto first = s.register_receiver();
  // Another developer sees and changes only their own.
  const ApiClient dev7{
      s.stack.server().endpoint(),
      issue_token(s.stack.server(), domain::access::TokenKind::developer, "dev-7")};
  BOOST_TEST(dev7.call("GET", kWebhook).status == 404);
  BOOST_TEST(dev7.call("DELETE", kWebhook).status == 404);
  const auto theirs = dev7.call("PUT", kWebhook, url_body("https://other.example/notices"));
  BOOST_TEST(theirs.status == 201, theirs.text());
  BOOST_TEST(!json_of(theirs)["replaced"].GetBool());
  BOOST_TEST(json_of(s.dev42.call("GET", kWebhook))["url"].GetString() == s.receiver_url());
  BOOST_TEST(json_of(dev7.call("GET", kWebhook))["url"].GetString() ==
             std::string("https://other.example/notices"));

  // Replacing gives a new secret; pushes are signed with it (the fake holds the new one).
  const auto second = s.register_receiver();
  BOOST_TEST(second != first);
  const auto id = s.publish("After replacing");
  s.until_pushed(id, "published");

  // Removed: the next notice is not pushed, and the operator sees why.
  const auto removed = s.dev42.call("DELETE", kWebhook);
  BOOST_TEST(removed.status == 204, removed.text());
  BOOST_TEST(s.dev42.call("GET", kWebhook).status == 404);
  const auto later = s.publish("After removing");
  const auto none = s.until_push_state(later, "chatline", [](const auto&) { return true; });
  BOOST_TEST(none["state"].GetString() == std::string("not_registered"));
  BOOST_TEST(none["change"].IsNull());
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  BOOST_TEST(s.accepted().Size() == 1u);
  s.stack.provider().expect_on_contract();
}
