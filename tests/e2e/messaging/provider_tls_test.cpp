// Mutual TLS with providers (seed 000, security: "all connections use mTLS"): the fake provider
// serves HTTPS and requires a client certificate from its CA; Switchboard presents the one
// configured in messaging.provider_client_cert_file, and without it gets nothing through.

#include <boost/test/unit_test.hpp>
#include <thread>

#include "tests/e2e/messaging/support/messaging_stack.hpp"
#include "tests/e2e/support/test_certificates.hpp"

namespace e2e = switchboard::tests::e2e;
using e2e::json_of;
using e2e::messaging::MessagingStack;

namespace {

constexpr const char* kMessages = "/crm/v1/chats/chatline/c-1/messages";

// The provider's certificate for 127.0.0.1 and Switchboard's client certificate, both from "ca"
// (which the provider trusts for clients and Switchboard for servers); a client certificate from
// an unrelated CA.
struct Certificates : e2e::TestCertificates {
  Certificates() {
    issue_server("provider", "ca");
    issue_client("switchboard", "switchboard", "ca");
    issue_client("rogue", "switchboard", "rogue-ca");
  }

  e2e::messaging::ProviderTls provider() const {
    return {file("provider.crt"), file("provider.key"), file("ca.crt")};
  }

  // Switchboard trusts the provider's CA and presents `client` ("" for no certificate).
  e2e::Settings server(const std::string& client, int expiry_ms) const {
    auto settings = e2e::messaging::fast_delivery(expiry_ms);
    settings["messaging.provider_ca_file"] = file("ca.crt");
    if (!client.empty()) {
      settings["messaging.provider_client_cert_file"] = file(client + ".crt");
      settings["messaging.provider_client_key_file"] = file(client + ".key");
    }
    return settings;
  }
};

// Tenant acme's user and chat c-1 (made by the provider's inbound message, which goes the other
// way: provider to Switchboard).
struct Conversation {
  explicit Conversation(MessagingStack& stack) : user(stack.user("acme", "u1")) {
    stack.install("acme");
    const auto client = stack.connect(user, e2e::messaging::client_token("acme"));
    const auto first = client.call(
        "POST", "/public/v1/messages",
        R"({"provider_message_id":"pm-1","chat":{"id":"c-1","participants":[{"id":"ivan"}]},"sender":{"id":"ivan"},"text":"hi"})");
    BOOST_REQUIRE_MESSAGE(first.status == 201, first.text());
  }

  std::string send(const std::string& text) const {
    const auto r = user.call("POST", kMessages, R"({"text":")" + text + R"("})");
    BOOST_REQUIRE_MESSAGE(r.status == 202, r.text());
    return json_of(r)["message_id"].GetString();
  }

  e2e::ApiClient user;
};

std::function<bool(const e2e::HttpResponse&)> has_status(const std::string& id,
                                                         const std::string& status) {
  return [id, status](const e2e::HttpResponse& r) {
    if (r.status != 200) return false;
    // Named: a range over a temporary document's array would outlive the document.
    const auto list = json_of(r);
    for (const auto& m : list["items"].GetArray()) {
      if (id == m["message_id"].GetString()) return status == m["status"].GetString();
    }
    return false;
  };
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(messaging_provider_tls, Certificates)

BOOST_AUTO_TEST_CASE(a_provider_requiring_a_client_certificate_gets_switchboards) {
  MessagingStack stack{server("switchboard", 30'000), e2e::messaging::Webhooks::undeclared,
                       provider()};
  BOOST_REQUIRE(stack.provider().base_url().starts_with("https://"));
  Conversation talk{stack};
  const auto id = talk.send("over mutual TLS");
  stack.until(talk.user, kMessages, has_status(id, "sent"));
  const auto received = stack.provider().received("/messages");
  BOOST_REQUIRE_EQUAL(received.Size(), 1u);
  BOOST_TEST(std::string(received[0]["body"].GetString()).find("over mutual TLS") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(without_an_accepted_client_certificate_the_provider_is_unavailable) {
  for (const std::string client : {"", "rogue"}) {
    BOOST_TEST_CONTEXT("client certificate '" << client << "'") {
      MessagingStack stack{server(client, 2'500), e2e::messaging::Webhooks::undeclared, provider()};
      Conversation talk{stack};
      const auto id = talk.send("in the clear? never");
      // The quick attempts fail at the TLS layer: logged once as unavailable, then expired.
      const auto errors = stack.until(
          stack.admin(), "/admin/v1/errors?source=delivery&tenant_id=acme",
          [](const auto& r) { return r.text().find("provider unavailable") != std::string::npos; });
      // The provider's TLS alert: "certificate required" without one, "unknown ca" for the rogue.
      BOOST_TEST(errors.text().find(": tlsv1") != std::string::npos, errors.text());
      BOOST_TEST(errors.text().find(" alert ") != std::string::npos, errors.text());
      stack.until(talk.user, kMessages, has_status(id, "not_sent"));
      BOOST_TEST(stack.provider().received("/messages").Size() == 0u);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
