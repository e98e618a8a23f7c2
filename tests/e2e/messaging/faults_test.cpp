// Delivery to providers under faults (seed 000, "reliability" and "fault tolerance"): the
// provider down for a while, down past the expiry, refusing, down when the tenant deactivates the
// token, not answering in time; Switchboard killed mid-delivery (also with a call in flight);
// nats-server and PostgreSQL restarted. Everything is delivered once, in order, or marked not sent
// (an edit or a read: reported failed) with the user notified and the error logged.

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <thread>

#include "tests/e2e/messaging/support/messaging_stack.hpp"
#include "tests/e2e/support/child_process.hpp"
#include "tests/e2e/support/postgres_cluster.hpp"
#include "tests/support/database_outage.hpp"

namespace e2e = switchboard::tests::e2e;
using e2e::json_of;
using e2e::messaging::MessagingStack;

namespace {

constexpr const char* kMessages = "/crm/v1/chats/chatline/c-1/messages";

// A tenant with a chat c-1 (one inbound message) and its user, ready to send.
struct Conversation {
  explicit Conversation(MessagingStack& stack)
      : user(stack.user("acme", "u1")), client(connect(stack, user)) {
    const auto first = client.call(
        "POST", "/public/v1/messages",
        R"({"provider_message_id":"pm-1","chat":{"id":"c-1","participants":[{"id":"ivan"}]},"sender":{"id":"ivan"},"text":"hi"})");
    BOOST_REQUIRE_MESSAGE(first.status == 201, first.text());
    stack.until(user, "/crm/v1/chats", [](const e2e::HttpResponse& r) {
      return r.text().find("\"c-1\"") != std::string::npos;
    });
  }

  // Once the connection's own work (sync_accounts, in its own lane) is over: a fault a test
  // counts once must meet the chat's work, not list_accounts.
  static e2e::ApiClient connect(MessagingStack& stack, const e2e::ApiClient& user) {
    stack.install("acme");
    return stack.connect(user, e2e::messaging::client_token("acme"));
  }

  std::string send(const std::string& text) const {
    const auto r = user.call("POST", kMessages, R"({"text":")" + text + R"("})");
    BOOST_REQUIRE_MESSAGE(r.status == 202, r.text());
    return json_of(r)["message_id"].GetString();
  }

  e2e::ApiClient user;
  e2e::ApiClient client;
};

// The texts the provider received on /messages, first deliveries only (not repeats).
std::vector<std::string> delivered_texts(e2e::messaging::FakeProvider& provider) {
  std::vector<std::string> texts;
  const auto received = provider.received("/messages");
  for (const auto& r : received.GetArray()) {
    if (r["repeat"].GetBool()) continue;
    rapidjson::Document body;
    body.Parse(r["body"].GetString());
    texts.emplace_back(body["text"].GetString());
  }
  return texts;
}

// The Idempotency-Keys of the provider's /messages calls, in order, repeats included.
std::vector<std::string> message_keys(e2e::messaging::FakeProvider& provider) {
  std::vector<std::string> keys;
  const auto received = provider.received("/messages");
  for (const auto& r : received.GetArray()) keys.emplace_back(r["idempotency_key"].GetString());
  return keys;
}

// How many rows of the CRM's message list are message `id` with `status`.
std::size_t listed_with_status(const e2e::HttpResponse& r, const std::string& id,
                               const std::string& status) {
  std::size_t n = 0;
  const auto d = json_of(r);
  for (const auto& m : d["items"].GetArray()) {
    if (id == m["message_id"].GetString() && status == m["status"].GetString()) ++n;
  }
  return n;
}

// Waits until the provider has received `n` calls on /messages, answered or still held.
void until_called(MessagingStack& stack, const Conversation& talk, unsigned n) {
  stack.until(talk.user, kMessages, [&](const e2e::HttpResponse&) {
    return stack.provider().received("/messages").Size() >= n;
  });
}

// Delivery that waits up to 10 s for an answer: the provider can hold a call open while the
// test does something to the server or its database.
e2e::Settings patient_delivery() {
  auto settings = e2e::messaging::fast_delivery(60'000);
  settings["messaging.request_timeout_ms"] = "10000";
  return settings;
}

bool all_have_status(const e2e::HttpResponse& r, const std::vector<std::string>& ids,
                     const std::string& status) {
  if (r.status != 200) return false;
  const auto d = json_of(r);
  std::size_t matched = 0;
  for (const auto& m : d["items"].GetArray()) {
    for (const auto& id : ids) {
      if (id == m["message_id"].GetString() && status == m["status"].GetString()) ++matched;
    }
  }
  return matched == ids.size();
}

// With the provider down, a message of `talk` that waits for it past its quick attempts.
std::string waiting_message(MessagingStack& stack, const Conversation& talk,
                            const std::string& text) {
  stack.provider().control("POST", "/mode", R"({"mode":"down"})");
  const auto id = talk.send(text);
  std::this_thread::sleep_for(std::chrono::milliseconds(1'000));
  return id;
}

// Message `id` as the chat's message list shows it.
rapidjson::Document listed_message(const Conversation& talk, const std::string& id) {
  const auto list = json_of(talk.user.call("GET", kMessages));
  for (const auto& m : list["items"].GetArray()) {
    if (id == m["message_id"].GetString()) {
      rapidjson::Document found;
      found.CopyFrom(m, found.GetAllocator());
      return found;
    }
  }
  BOOST_FAIL("message " + id + " is not in the list");
  return {};
}

// Waits for message `id` to be not sent and for its author's notification of it. The message
// list gives the notice's reason and detail on the message itself, so the callers' checks of the
// notice's reason hold for the list too.
rapidjson::Document not_sent_notices(MessagingStack& stack, const Conversation& talk,
                                     const std::string& id) {
  stack.until(talk.user, kMessages,
              [&](const e2e::HttpResponse& r) { return all_have_status(r, {id}, "not_sent"); });
  auto notices = json_of(stack.until(talk.user, "/crm/v1/notifications", [&](const auto& r) {
    return r.text().find(id) != std::string::npos;
  }));
  const auto message = listed_message(talk, id);
  for (const auto& n : notices["items"].GetArray()) {
    if (id != n["message_id"].GetString()) continue;
    BOOST_REQUIRE(message.HasMember("not_sent_reason") && message["not_sent_reason"].IsString());
    BOOST_TEST(std::string(message["not_sent_reason"].GetString()) == n["reason"].GetString());
    BOOST_REQUIRE(message.HasMember("not_sent_detail") && message["not_sent_detail"].IsString());
    BOOST_TEST(std::string(message["not_sent_detail"].GetString()) == n["detail"].GetString());
  }
  return notices;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(messaging_faults)

BOOST_AUTO_TEST_CASE(provider_down_for_a_while_gets_everything_once_in_order) {
  MessagingStack stack{e2e::messaging::fast_delivery(30'000)};
  Conversation talk{stack};
  stack.provider().control("POST", "/mode", R"({"mode":"down"})");
  const std::vector<std::string> ids{talk.send("one"), talk.send("two"), talk.send("three")};
  // Long enough for the quick attempts to run out: the provider now counts as unavailable.
  std::this_thread::sleep_for(std::chrono::milliseconds(1'500));
  BOOST_TEST(delivered_texts(stack.provider()).empty());
  stack.provider().control("POST", "/mode", R"({"mode":"normal"})");
  stack.until(talk.user, kMessages,
              [&](const e2e::HttpResponse& r) { return all_have_status(r, ids, "sent"); });
  BOOST_TEST(delivered_texts(stack.provider()) == (std::vector<std::string>{"one", "two", "three"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(provider_down_past_the_expiry_marks_not_sent_notifies_and_logs) {
  MessagingStack stack{e2e::messaging::fast_delivery(1'500)};
  Conversation talk{stack};
  stack.provider().control("POST", "/mode", R"({"mode":"down"})");
  const auto id = talk.send("lost in space");
  const auto notices = not_sent_notices(stack, talk, id);
  BOOST_TEST(std::string(notices["items"][0]["kind"].GetString()) == "not_sent");
  BOOST_TEST(std::string(notices["items"][0]["reason"].GetString()) == "expired");
  const auto message = listed_message(talk, id);
  BOOST_TEST(std::string(message["not_sent_reason"].GetString()) == "expired");
  BOOST_TEST(std::string(message["not_sent_detail"].GetString()).find("not delivered within") !=
             std::string::npos);
  stack.until(stack.admin(), "/admin/v1/errors?source=delivery&tenant_id=acme",
              [](const e2e::HttpResponse& r) { return json_of(r)["items"].Size() >= 1u; });
  // Another user of the tenant is not notified.
  const auto other = stack.user("acme", "u2");
  BOOST_TEST(json_of(other.call("GET", "/crm/v1/notifications"))["items"].Size() == 0u);
}

BOOST_AUTO_TEST_CASE(an_edit_and_a_read_the_provider_refuses_are_told_to_their_user) {
  MessagingStack stack{e2e::messaging::fast_delivery(30'000)};
  Conversation talk{stack};
  const auto id = talk.send("first draft");
  stack.until(talk.user, kMessages,
              [&](const e2e::HttpResponse& r) { return all_have_status(r, {id}, "sent"); });
  stack.provider().control("POST", "/mode", R"({"mode":"failing","status":400})");
  const auto edited =
      talk.user.call("PUT", std::string(kMessages) + "/" + id + "/text", R"({"text":"final"})");
  BOOST_REQUIRE_MESSAGE(edited.status == 200, edited.text());
  const auto read = talk.user.call("POST", "/crm/v1/chats/chatline/c-1/read");
  BOOST_REQUIRE_MESSAGE(read.status == 200, read.text());

  const auto notices = json_of(stack.until(talk.user, "/crm/v1/notifications", [](const auto& r) {
    return json_of(r)["items"].Size() >= 2u;
  }));
  const auto& items = notices["items"];
  BOOST_REQUIRE_EQUAL(items.Size(), 2u);
  const auto& on_read = items[0];  // newest first
  const auto& on_edit = items[1];
  BOOST_TEST(std::string(on_edit["kind"].GetString()) == "delivery_failed");
  BOOST_TEST(std::string(on_edit["action"].GetString()) == "update_message_text");
  BOOST_TEST(std::string(on_edit["message_id"].GetString()) == id);
  BOOST_TEST(std::string(on_edit["reason"].GetString()) == "rejected");
  BOOST_TEST(std::string(on_edit["detail"].GetString()).find("400") != std::string::npos);
  BOOST_TEST(std::string(on_read["kind"].GetString()) == "delivery_failed");
  BOOST_TEST(std::string(on_read["action"].GetString()) == "read_chat");
  BOOST_TEST(on_read["message_id"].IsNull());
  BOOST_TEST(std::string(on_read["chat_id"].GetString()) == "c-1");

  // The CRM keeps the edit, and the message stays sent: only the provider's copy missed it.
  const auto messages = json_of(talk.user.call("GET", kMessages));
  bool found = false;
  for (const auto& m : messages["items"].GetArray()) {
    if (id != m["message_id"].GetString()) continue;
    found = true;
    BOOST_TEST(std::string(m["text"].GetString()) == "final");
    BOOST_TEST(std::string(m["status"].GetString()) == "sent");
  }
  BOOST_TEST(found);
  const auto other = stack.user("acme", "u2");
  BOOST_TEST(json_of(other.call("GET", "/crm/v1/notifications"))["items"].Size() == 0u);
}

BOOST_AUTO_TEST_CASE(an_expired_message_is_reported_failed_to_the_provider_once_it_is_back) {
  MessagingStack stack{e2e::messaging::fast_delivery(4'000)};
  Conversation talk{stack};
  auto& provider = stack.provider();
  provider.control("POST", "/mode", R"({"mode":"down"})");
  const auto id = talk.send("too late");
  stack.until(talk.user, kMessages,
              [&](const e2e::HttpResponse& r) { return all_have_status(r, {id}, "not_sent"); });
  provider.control("POST", "/mode", R"({"mode":"up"})");
  stack.until(talk.user, kMessages, [&](const e2e::HttpResponse&) {
    return provider.received("/messages/status").Size() >= 1u;
  });
  const auto statuses = provider.received("/messages/status");
  BOOST_REQUIRE_EQUAL(statuses.Size(), 1u);
  rapidjson::Document body;
  body.Parse(statuses[0]["body"].GetString());
  BOOST_REQUIRE(body.IsObject());
  BOOST_TEST(std::string(body["message_id"].GetString()) == id);
  BOOST_TEST(std::string(body["chat_id"].GetString()) == "c-1");
  BOOST_TEST(std::string(body["status"].GetString()) == "failed");
  BOOST_TEST(!body.HasMember("provider_message_id"));
  BOOST_TEST(std::string(statuses[0]["tenant"].GetString()) == "acme");
  // The expired send itself is never made late.
  BOOST_TEST(provider.received("/messages").Size() == 0u);
  provider.expect_on_contract();
}

BOOST_AUTO_TEST_CASE(a_message_waiting_when_the_token_is_replaced_goes_with_the_new_token) {
  MessagingStack stack{e2e::messaging::fast_delivery(30'000)};
  Conversation talk{stack};
  auto& provider = stack.provider();
  const auto id = waiting_message(stack, talk, "still for you");
  // The connection stays, only its token changes: its chats' work is not the old token's.
  const auto new_token = e2e::messaging::client_token("acme");
  // Its sync waits for the provider too.
  stack.connect(talk.user, new_token, "chatline", MessagingStack::SyncWait::none);
  provider.control("POST", "/mode", R"({"mode":"up"})");
  stack.until(talk.user, kMessages,
              [&](const e2e::HttpResponse& r) { return all_have_status(r, {id}, "sent"); });
  const auto sent = provider.received("/messages");
  BOOST_REQUIRE_GE(sent.Size(), 1u);
  BOOST_TEST(std::string(sent[sent.Size() - 1]["authorization"].GetString()) ==
             "Bearer " + new_token);
}

BOOST_AUTO_TEST_CASE(a_message_waiting_when_the_token_is_deactivated_is_not_sent_and_never_sent) {
  MessagingStack stack{e2e::messaging::fast_delivery(30'000)};
  Conversation talk{stack};
  auto& provider = stack.provider();
  const auto id = waiting_message(stack, talk, "never for you");
  const auto deactivated = talk.user.call("DELETE", "/crm/v1/connections/chatline");
  BOOST_REQUIRE_MESSAGE(deactivated.status == 200, deactivated.text());
  // Well before the expiry, the user learns the message will never go.
  const auto notice = not_sent_notices(stack, talk, id);
  BOOST_REQUIRE_EQUAL(notice["items"].Size(), 1u);
  BOOST_TEST(std::string(notice["items"][0]["kind"].GetString()) == "not_sent");
  BOOST_TEST(std::string(notice["items"][0]["message_id"].GetString()) == id);
  BOOST_TEST(std::string(notice["items"][0]["reason"].GetString()) == "connection_deactivated");
  BOOST_TEST(std::string(listed_message(talk, id)["not_sent_reason"].GetString()) ==
             "connection_deactivated");
  const auto errors = stack.until(
      stack.admin(), "/admin/v1/errors?source=delivery&tenant_id=acme", [](const auto& r) {
        return r.text().find("not sent: connection_deactivated") != std::string::npos;
      });
  const auto logged = json_of(errors);
  std::size_t given_up = 0;
  for (const auto& row : logged["items"].GetArray()) {
    if (std::string(row["problem"]["title"].GetString()) != "not sent: connection_deactivated")
      continue;
    ++given_up;
    BOOST_TEST(std::string(row["route"].GetString()) == "send_message");
    BOOST_TEST(std::string(row["provider_code"].GetString()) == "chatline");
  }
  BOOST_TEST(given_up == 1u);

  // Back up, the provider hears of the deactivation (the last call for the tenant) and nothing
  // of the message: neither the send nor a `failed` status.
  provider.control("POST", "/mode", R"({"mode":"up"})");
  stack.until(talk.user, "/crm/v1/notifications", [&](const e2e::HttpResponse&) {
    return provider.received("/app-disabled").Size() == 1u;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(1'000));
  BOOST_TEST(provider.received("/messages").Size() == 0u);
  BOOST_TEST(provider.received("/messages/status").Size() == 0u);
  // Recorded once, however often the job was tried.
  BOOST_TEST(json_of(talk.user.call("GET", "/crm/v1/notifications"))["items"].Size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_provider_refusal_marks_the_message_not_sent_at_once) {
  MessagingStack stack{e2e::messaging::fast_delivery(30'000)};
  Conversation talk{stack};
  stack.provider().control("POST", "/mode", R"({"mode":"failing","status":422,"count":1})");
  const auto id = talk.send("refused");
  const auto notices = not_sent_notices(stack, talk, id);
  BOOST_TEST(std::string(notices["items"][0]["reason"].GetString()) == "rejected");
  // The next message goes through: a refusal does not block the chat.
  const auto next = talk.send("accepted");
  stack.until(talk.user, kMessages,
              [&](const e2e::HttpResponse& r) { return all_have_status(r, {next}, "sent"); });
  // Only a message not sent has a reason.
  BOOST_TEST(!listed_message(talk, next).HasMember("not_sent_reason"));
  BOOST_TEST(std::string(listed_message(talk, id)["not_sent_reason"].GetString()) == "rejected");
  // The provider refused it itself: no failed status follows (it would have come before `next`,
  // in the chat's order).
  BOOST_TEST(stack.provider().received("/messages/status").Size() == 0u);
}

BOOST_AUTO_TEST_CASE(switchboard_killed_mid_delivery_delivers_after_restart) {
  MessagingStack stack{e2e::messaging::fast_delivery(60'000)};
  Conversation talk{stack};
  stack.provider().control("POST", "/mode", R"({"mode":"down"})");
  const std::vector<std::string> ids{talk.send("before the crash 1"),
                                     talk.send("before the crash 2")};
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  stack.server().kill_now();
  stack.provider().control("POST", "/mode", R"({"mode":"normal"})");
  stack.server().start();
  stack.until(talk.user, kMessages,
              [&](const e2e::HttpResponse& r) { return all_have_status(r, ids, "sent"); });
  BOOST_TEST(delivered_texts(stack.provider()) ==
                 (std::vector<std::string>{"before the crash 1", "before the crash 2"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(switchboard_killed_mid_sync_records_the_syncs_outcome_once_after_restart) {
  MessagingStack stack{patient_delivery()};
  stack.install("acme");
  const auto user = stack.user("acme", "u1");
  const auto token = e2e::messaging::client_token("acme");
  // list_accounts is held open (4 s, the server waits 10 s) while the server is killed.
  stack.connect_mid_sync(user, token, 4'000);
  stack.server().kill_now();
  auto& provider = stack.provider();
  provider.set_mode({});
  stack.server().start();
  // The job comes back to the restarted server, which syncs and records the outcome once.
  stack.until_synced(token);
  const auto sync = stack.sync_of(user);
  BOOST_TEST(std::string(sync["state"].GetString()) == "synced");
  BOOST_TEST(sync["accounts"].GetInt() == 1);
  // Past another ack wait: no second run records anything more.
  std::this_thread::sleep_for(std::chrono::seconds(4));
  BOOST_TEST(stack.server().database().count("SELECT count(*) FROM events WHERE event_type IN"
                                             " ('AccountSyncCompleted', 'AccountSyncFailed')") ==
             1);
  BOOST_TEST(provider.received("/accounts").Size() >= 2u);
}

BOOST_AUTO_TEST_CASE(no_answer_in_time_is_retried_with_the_same_idempotency_key) {
  // The provider holds every call 1.5 s; the server gives up on an answer after 1 s.
  MessagingStack stack{e2e::messaging::fast_delivery(30'000)};
  Conversation talk{stack};
  auto& provider = stack.provider();
  provider.set_mode({.mode = "slow", .delay_ms = 1'500});
  const auto id = talk.send("patience");
  until_called(stack, talk, 2);
  BOOST_TEST(listed_with_status(talk.user.call("GET", kMessages), id, "sent") == 0u);
  provider.set_mode({});
  stack.until(talk.user, kMessages,
              [&](const e2e::HttpResponse& r) { return all_have_status(r, {id}, "sent"); });

  const auto keys = message_keys(provider);
  BOOST_REQUIRE_GE(keys.size(), 2u);
  BOOST_TEST(!keys[0].empty());
  for (const auto& key : keys) BOOST_TEST(key == keys[0]);
  // The provider saw one message, the rest were repeats it answered from its first answer.
  BOOST_TEST(delivered_texts(provider) == std::vector<std::string>{"patience"},
             boost::test_tools::per_element());
  BOOST_TEST(listed_with_status(talk.user.call("GET", kMessages), id, "sent") == 1u);
}

BOOST_AUTO_TEST_CASE(switchboard_killed_with_a_call_in_flight_sends_it_once_after_restart) {
  // The server waits up to 10 s for an answer; the provider holds the call 4 s: the kill lands
  // while the call is open on both sides.
  MessagingStack stack{patient_delivery()};
  Conversation talk{stack};
  auto& provider = stack.provider();
  provider.set_mode({.mode = "slow", .delay_ms = 4'000});
  const auto id = talk.send("in flight");
  until_called(stack, talk, 1);
  stack.server().kill_now();
  provider.set_mode({});
  stack.server().start();
  stack.until(talk.user, kMessages,
              [&](const e2e::HttpResponse& r) { return all_have_status(r, {id}, "sent"); });

  // At least once: the call may be made again after the restart, with the same key.
  const auto keys = message_keys(provider);
  BOOST_REQUIRE_GE(keys.size(), 1u);
  for (const auto& key : keys) BOOST_TEST(key == keys[0]);
  BOOST_TEST(delivered_texts(provider) == std::vector<std::string>{"in flight"},
             boost::test_tools::per_element());
  BOOST_TEST(listed_with_status(talk.user.call("GET", kMessages), id, "sent") == 1u);
}

BOOST_AUTO_TEST_CASE(postgresql_restart_mid_delivery_loses_nothing_and_sends_once_in_order) {
  // The shared cluster serves every other test: this one stops a cluster of its own.
  e2e::PostgresCluster postgres;
  const e2e::ScopedPgAdminUrl use_it{postgres.admin_url()};
  MessagingStack stack{patient_delivery()};
  Conversation talk{stack};
  auto& provider = stack.provider();
  // The provider holds the first call 3 s: PostgreSQL goes away while it is open, so its answer
  // comes when the server cannot record it.
  provider.set_mode({.mode = "slow", .delay_ms = 3'000});
  std::vector<std::string> ids{talk.send("before the outage 1"), talk.send("before the outage 2")};
  until_called(stack, talk, 1);
  postgres.stop();
  provider.set_mode({});
  // A send the server cannot record is refused as a passing outage, not accepted and lost.
  const auto during = talk.user.call("POST", kMessages, R"({"text":"during the outage"})");
  BOOST_TEST(during.status == 503, during.text());
  BOOST_TEST(during.header("Retry-After").has_value());
  BOOST_TEST(std::string(json_of(during)["title"].GetString()) == "database unavailable");
  // Past the held call's answer: the server got it with nowhere to record it.
  std::this_thread::sleep_for(std::chrono::milliseconds(3'500));
  postgres.start();

  ids.emplace_back(talk.send("after the outage"));
  stack.until(talk.user, kMessages,
              [&](const e2e::HttpResponse& r) { return all_have_status(r, ids, "sent"); });
  BOOST_TEST(delivered_texts(provider) ==
                 (std::vector<std::string>{"before the outage 1", "before the outage 2",
                                           "after the outage"}),
             boost::test_tools::per_element());
  BOOST_TEST(talk.user.call("GET", kMessages).text().find("during the outage") ==
             std::string::npos);
  for (const auto& id : ids) {
    BOOST_TEST(listed_with_status(talk.user.call("GET", kMessages), id, "sent") == 1u);
  }
  // Still serving both sides.
  const auto inbound = talk.client.call(
      "POST", "/public/v1/messages",
      R"({"provider_message_id":"pm-2","chat":{"id":"c-1","participants":[{"id":"ivan"}]},"sender":{"id":"ivan"},"text":"back"})");
  BOOST_TEST(inbound.status == 201, inbound.text());
  stack.until(talk.user, kMessages, [](const e2e::HttpResponse& r) {
    return r.text().find("\"back\"") != std::string::npos;
  });
}

BOOST_AUTO_TEST_CASE(a_public_api_command_meeting_an_unreachable_database_is_503_and_passes) {
  MessagingStack stack;
  Conversation talk{stack};
  const auto inbound = [&](const std::string& id, const std::string& chat,
                           std::vector<std::pair<std::string, std::string>> headers = {}) {
    return talk.client.call(
        "POST", "/public/v1/messages",
        R"({"provider_message_id":")" + id + R"(","chat":{"id":")" + chat +
            R"(","participants":[{"id":"ivan"}]},"sender":{"id":"ivan"},"text":"hi"})",
        std::move(headers));
  };
  // Only the server's own database goes away: the shared cluster serves other tests meanwhile.
  switchboard::tests::set_reachable(stack.server().database(), false);
  const auto check = [](const e2e::HttpResponse& r, const std::string& what) {
    BOOST_TEST(r.status == 503, what << " -> " << r.status << " " << r.text());
    BOOST_TEST(r.header("Content-Type").value_or("").starts_with("application/problem+json"), what);
    BOOST_TEST(r.header("Retry-After").has_value(), what);
    if (r.status == 503) {
      BOOST_TEST(std::string(json_of(r)["title"].GetString()) == "database unavailable", what);
    }
  };
  // A chat the server has not seen (its stream must be read before deciding), a known one with
  // an Idempotency-Key (looked up first), and a status update on the known one.
  check(inbound("pm-new", "c-2"), "a message in a new chat");
  check(inbound("pm-2", "c-1", {{"Idempotency-Key", "outage-1"}}), "a keyed message");
  check(
      talk.client.call("PUT", "/public/v1/chats/c-1/messages/pm-1/status", R"({"status":"read"})"),
      "a status update");

  switchboard::tests::set_reachable(stack.server().database(), true);
  // Nothing was recorded: the same requests are new once the database is back.
  auto again = inbound("pm-new", "c-2");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (again.status == 503 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    again = inbound("pm-new", "c-2");
  }
  BOOST_TEST(again.status == 201, again.text());
  const auto keyed = inbound("pm-2", "c-1", {{"Idempotency-Key", "outage-1"}});
  BOOST_TEST(keyed.status == 201, keyed.text());
}

BOOST_AUTO_TEST_CASE(nats_server_restart_loses_nothing) {
  // Debian installs it in /usr/sbin; elsewhere it is usually in /usr/bin.
  const std::filesystem::path nats_server = std::filesystem::exists("/usr/sbin/nats-server")
                                                ? "/usr/sbin/nats-server"
                                                : "/usr/bin/nats-server";
  e2e::TempDir nats_dir;
  const auto port = std::to_string(e2e::free_port());
  const std::vector<std::string> nats_args{
      "-a", "127.0.0.1", "-p", port, "-js", "-sd", (nats_dir.path() / "js").string()};
  auto nats =
      std::make_unique<e2e::ChildProcess>(nats_server, nats_args, nats_dir.path() / "nats.log");
  auto settings = e2e::messaging::fast_delivery(60'000);
  settings["nats.url"] = "nats://127.0.0.1:" + port;
  MessagingStack stack{settings};
  Conversation talk{stack};
  const auto before = talk.send("before the restart");
  stack.until(talk.user, kMessages,
              [&](const e2e::HttpResponse& r) { return all_have_status(r, {before}, "sent"); });

  nats->stop();
  const auto during = talk.send("while NATS is down");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  nats = std::make_unique<e2e::ChildProcess>(nats_server, nats_args, nats_dir.path() / "nats.log");
  const auto after = talk.send("after the restart");
  stack.until(talk.user, kMessages, [&](const e2e::HttpResponse& r) {
    return all_have_status(r, {before, during, after}, "sent");
  });
  BOOST_TEST(delivered_texts(stack.provider()) ==
                 (std::vector<std::string>{"before the restart", "while NATS is down",
                                           "after the restart"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
