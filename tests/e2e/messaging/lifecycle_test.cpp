// The whole messaging lifecycle over real sockets (seeds 000, 001): a tenant activates the
// provider's client token, accounts and history are synchronised, messages flow both ways,
// statuses and reads move, chats are edited, and deactivation stops every call.

#include <boost/test/unit_test.hpp>

#include "api/crypto/sealed_box.hpp"
#include "commands/access/access_commands.hpp"
#include "eventstore/event_store.hpp"
#include "tests/e2e/messaging/support/messaging_stack.hpp"

namespace e2e = switchboard::tests::e2e;
using e2e::json_of;
using e2e::messaging::chat_in;
using e2e::messaging::MessagingStack;

namespace {

const std::string kChat =
    R"({"id":"c-1","kind":"private","title":"Ivan","participants":[{"id":"ivan","name":"Ivan Petrov"}]})";

std::string inbound(const std::string& provider_message_id, const std::string& text,
                    const std::string& chat = kChat, const std::string& sender = "ivan") {
  return R"({"provider_message_id":")" + provider_message_id + R"(","chat":)" + chat +
         R"(,"account_id":"tg-1","sender":{"id":")" + sender + R"("},"text":)" + text + "}";
}

bool chat_has(const e2e::HttpResponse& r, const std::string& chat_id,
              const std::function<bool(const rapidjson::Value&)>& check) {
  if (r.status != 200) return false;
  const auto d = json_of(r);
  const auto& c = chat_in(d, chat_id);
  return c.IsObject() && check(c);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(messaging_lifecycle)

BOOST_AUTO_TEST_CASE(provider_and_crm_user_exchange_messages_both_ways) {
  MessagingStack stack;
  auto& provider = stack.provider();
  provider.control("POST", "/accounts",
                   R"({"accounts":[{"id":"tg-1","channel_code":"telegram","name":"Support bot"},)"
                   R"({"id":"sq-1","channel_code":"squawk","name":"New messenger"}]})");
  provider.control(
      "POST", "/history",
      R"({"messages":[{"provider_message_id":"old-1","chat":{"id":"c-old","kind":"private","participants":[{"id":"olga"}]},)"
      R"("account_id":"tg-1","sender":{"id":"olga"},"text":"an old question","sent_at":"2026-01-05T10:00:00Z"}]})");
  stack.install("acme");
  const auto user = stack.user("acme", "u1");
  const auto token = e2e::messaging::client_token("acme");
  const auto client = stack.connect(user, token);

  // The sync is over (connect waited for it): the view says so, with what it brought.
  const auto connections = json_of(user.call("GET", "/crm/v1/connections"));
  const auto& sync = connections["items"][0]["sync"];
  BOOST_TEST(std::string(sync["state"].GetString()) == "synced");
  BOOST_TEST(sync["accounts"].GetInt() == 2);
  BOOST_TEST(sync["chats"].GetInt() == 1);
  BOOST_TEST(sync["finished_at"].IsString());
  BOOST_TEST(sync["reason"].IsNull());
  BOOST_TEST(sync["detail"].IsNull());
  // Accounts: the main one plus one per channel; an unknown channel code gets the stub icon.
  const auto& accounts = connections["items"][0]["accounts"];
  BOOST_TEST(accounts.Size() == 3u);
  for (const auto& a : accounts.GetArray()) {
    const std::string id = a["account_id"].GetString();
    if (id == "tg-1") BOOST_TEST(std::string(a["icon"].GetString()) == "telegram");
    if (id == "sq-1") BOOST_TEST(std::string(a["icon"].GetString()) == "stub");
    if (id == "main") BOOST_TEST(a["main"].GetBool());
  }
  const auto listed = provider.received("/accounts");
  BOOST_REQUIRE(listed.Size() >= 1u);
  BOOST_TEST(std::string(listed[0]["authorization"].GetString()) == "Bearer " + token);

  // History is imported silently: the chat is there, with nothing unread.
  BOOST_TEST(chat_has(user.call("GET", "/crm/v1/chats"), "c-old",
                      [](const auto& c) { return c["unread_count"].GetInt() == 0; }));

  // An inbound message creates the chat with its participants; the text keeps every character.
  const std::string text = R"("Привет, *мир* <b>&amp;</b> \"quoted\" \\ 🙂")";
  const auto first = client.call("POST", "/public/v1/messages", inbound("pm-1", text));
  BOOST_REQUIRE_MESSAGE(first.status == 201, first.text());
  const std::string message_id = json_of(first)["message_id"].GetString();
  const auto again = client.call("POST", "/public/v1/messages", inbound("pm-1", text));
  BOOST_TEST(again.status == 200);
  BOOST_TEST(std::string(json_of(again)["message_id"].GetString()) == message_id);
  BOOST_TEST(json_of(again)["created"].GetBool() == false);

  const auto chats =
      stack.until(user, "/crm/v1/chats?channel_code=telegram", [](const e2e::HttpResponse& r) {
        return chat_has(r, "c-1", [](const auto& c) { return c["unread_count"].GetInt() == 1; });
      });
  const auto chat_list = json_of(chats);
  const auto& chat = chat_in(chat_list, "c-1");
  BOOST_TEST(std::string(chat["last_message"]["text"].GetString()) ==
             "Привет, *мир* <b>&amp;</b> \"quoted\" \\ 🙂");
  BOOST_TEST(chat["participants"].Size() == 1u);
  BOOST_TEST(std::string(chat["icon"].GetString()) == "telegram");
  BOOST_TEST(json_of(user.call("GET", "/crm/v1/chats?account_id=sq-1"))["items"].Size() == 0u);

  // A group chat is created with every participant.
  const auto group = client.call(
      "POST", "/public/v1/messages",
      inbound(
          "pm-2", R"("hello all")",
          R"({"id":"g-1","kind":"group","title":"Team","participants":[{"id":"a"},{"id":"b"},{"id":"c"}]})",
          "a"));
  BOOST_REQUIRE_MESSAGE(group.status == 201, group.text());
  stack.until(user, "/crm/v1/chats", [](const e2e::HttpResponse& r) {
    return chat_has(r, "g-1", [](const auto& c) {
      return c["participants"].Size() == 3u && std::string(c["kind"].GetString()) == "group";
    });
  });

  // The CRM user answers (with every optional field, so the provider sees them all); the
  // delivery queue calls the provider with the client token and an Idempotency-Key, and the
  // message turns `sent` with the provider's id.
  const auto sent = user.call(
      "POST", "/crm/v1/chats/chatline/c-1/messages",
      R"({"text":"Здравствуйте! How can I help?","format":"markdown",)"
      R"("entities":[{"type":"bold","offset":0,"length":12}],"reply_to":"pm-1",)"
      R"("attachments":[{"url":"https://files.chatline.example/price.pdf","name":"price.pdf",)"
      R"("mime_type":"application/pdf","size":1024}]})");
  BOOST_REQUIRE_MESSAGE(sent.status == 202, sent.text());
  const std::string outbound_id = json_of(sent)["message_id"].GetString();
  const auto messages_path = "/crm/v1/chats/chatline/c-1/messages";
  stack.until(user, messages_path, [&](const e2e::HttpResponse& r) {
    return r.text().find(outbound_id) != std::string::npos &&
           r.text().find("\"status\":\"sent\"") != std::string::npos;
  });
  const auto deliveries = provider.received("/messages");
  BOOST_REQUIRE_EQUAL(deliveries.Size(), 1u);
  BOOST_TEST(std::string(deliveries[0]["authorization"].GetString()) == "Bearer " + token);
  BOOST_TEST(deliveries[0]["idempotency_key"].GetStringLength() > 0u);
  rapidjson::Document delivered_body;
  delivered_body.Parse(deliveries[0]["body"].GetString());
  BOOST_TEST(std::string(delivered_body["message_id"].GetString()) == outbound_id);
  BOOST_TEST(std::string(delivered_body["chat_id"].GetString()) == "c-1");

  // Statuses only move forward; a late one is accepted and ignored.
  const auto status_path = "/public/v1/chats/c-1/messages/" + outbound_id + "/status";
  auto status = client.call("PUT", status_path, R"({"status":"delivered"})");
  BOOST_REQUIRE_MESSAGE(status.status == 200, status.text());
  BOOST_TEST(json_of(status)["changed"].GetBool());
  status = client.call("PUT", status_path, R"({"status":"sent"})");
  BOOST_TEST(status.status == 200);
  BOOST_TEST(json_of(status)["changed"].GetBool() == false);
  BOOST_TEST(std::string(json_of(status)["status"].GetString()) == "delivered");
  BOOST_TEST(client.call("PUT", status_path, R"({"status":"lost"})").status == 400);

  // The provider changes a text: only the text changes.
  const auto edited = client.call("PUT", "/public/v1/chats/c-1/messages/pm-1/text",
                                  R"j({"text":"Привет, мир (edited)"})j");
  BOOST_REQUIRE_MESSAGE(edited.status == 200, edited.text());
  stack.until(user, messages_path, [](const e2e::HttpResponse& r) {
    return r.text().find("Привет, мир (edited)") != std::string::npos;
  });

  // The CRM user edits their own message; the provider is asked to do the same.
  const auto own = user.call("PUT", std::string(messages_path) + "/" + outbound_id + "/text",
                             R"({"text":"Hello! How can I help?"})");
  BOOST_REQUIRE_MESSAGE(own.status == 200, own.text());
  const auto other_user = stack.user("acme", "u2");
  BOOST_TEST(other_user
                 .call("PUT", std::string(messages_path) + "/" + outbound_id + "/text",
                       R"({"text":"not mine"})")
                 .status == 403);

  // Reads both ways: the CRM user reads the chat (the provider is told), the provider reads.
  const auto read = user.call("POST", "/crm/v1/chats/chatline/c-1/read");
  BOOST_REQUIRE_MESSAGE(read.status == 200, read.text());
  stack.until(user, "/crm/v1/chats", [](const e2e::HttpResponse& r) {
    return chat_has(r, "c-1", [](const auto& c) { return c["unread_count"].GetInt() == 0; });
  });
  BOOST_TEST(client.call("POST", "/public/v1/messages", inbound("pm-3", R"("one more")")).status ==
             201);
  stack.until(user, "/crm/v1/chats", [](const e2e::HttpResponse& r) {
    return chat_has(r, "c-1", [](const auto& c) { return c["unread_count"].GetInt() == 1; });
  });
  BOOST_TEST(client.call("POST", "/public/v1/chats/c-1/read").status == 200);
  stack.until(user, "/crm/v1/chats", [](const e2e::HttpResponse& r) {
    return chat_has(r, "c-1", [](const auto& c) { return c["unread_count"].GetInt() == 0; });
  });

  // The provider edits the group chat.
  const auto renamed = client.call(
      "PATCH", "/public/v1/chats/g-1",
      R"j({"title":"Team (renamed)","participants_added":[{"id":"d","name":"Dana"}],"participants_removed":["a"]})j");
  BOOST_REQUIRE_MESSAGE(renamed.status == 200, renamed.text());
  stack.until(user, "/crm/v1/chats", [](const e2e::HttpResponse& r) {
    return chat_has(r, "g-1", [](const auto& c) {
      return std::string(c["title"].GetString()) == "Team (renamed)" &&
             c["participants"].Size() == 3u;
    });
  });

  // Everything the CRM side did reached the provider.
  stack.until(user, "/crm/v1/chats", [&](const e2e::HttpResponse&) {
    return provider.received("/messages/text").Size() == 1u &&
           provider.received("/chats/read").Size() >= 1u;
  });

  // Channel disconnect and connect through the public API.
  BOOST_TEST(client.call("DELETE", "/public/v1/channels/sq-1").status == 200);
  const auto channel =
      client.call("POST", "/public/v1/channels",
                  R"({"account_id":"vb-1","channel_code":"viber","name":"Viber"})");
  BOOST_TEST(channel.status == 201);
  BOOST_TEST(std::string(json_of(channel)["icon"].GetString()) == "viber");

  // Deactivation: the provider is told, then never called again; its token gets 401.
  const auto deactivated = user.call("DELETE", "/crm/v1/connections/chatline");
  BOOST_REQUIRE_MESSAGE(deactivated.status == 200, deactivated.text());
  // Refused from the answer on, not a moment later.
  BOOST_TEST(client.call("POST", "/public/v1/messages", inbound("pm-9", R"("late")")).status ==
             401);
  stack.until(user, "/crm/v1/connections", [&](const e2e::HttpResponse&) {
    return provider.received("/app-disabled").Size() == 1u;
  });
  const auto calls_before = provider.received("").Size();
  BOOST_TEST(
      user.call("POST", "/crm/v1/chats/chatline/c-1/messages", R"({"text":"anyone?"})").status ==
      409);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  BOOST_TEST(provider.received("").Size() == calls_before);
  // Every call of the whole lifecycle is the one docs/openapi.yaml documents.
  provider.expect_on_contract();
}

BOOST_AUTO_TEST_CASE(the_fake_providers_push_reaches_the_crm) {
  MessagingStack stack;
  stack.install("acme");
  const auto user = stack.user("acme", "u1");
  const auto token = e2e::messaging::client_token("acme");
  stack.connect(user, token);
  // The fake calls Switchboard's public API itself, as a provider's own backend would.
  const auto push = [&] {
    return stack.provider().control(
        "POST", "/push",
        R"({"switchboard":"http://127.0.0.1:)" + std::to_string(stack.server().port()) +
            R"(/public/v1","token":")" + token +
            R"(","path":"/messages","idempotency_key":"push-1","body":)"
            R"({"provider_message_id":"pm-push","chat":)" +
            kChat + R"(,"sender":{"id":"ivan"},"text":"pushed by the provider"}})");
  };
  const auto pushed = push();
  BOOST_REQUIRE_MESSAGE(pushed.status == 201, pushed.text());
  const std::string message_id = json_of(pushed)["message_id"].GetString();

  stack.until(user, "/crm/v1/chats", [](const e2e::HttpResponse& r) {
    return chat_has(r, "c-1", [](const auto& c) {
      return std::string(c["last_message"]["text"].GetString()) == "pushed by the provider" &&
             c["unread_count"].GetInt() == 1;
    });
  });
  const auto messages = json_of(user.call("GET", "/crm/v1/chats/chatline/c-1/messages"));
  BOOST_REQUIRE_EQUAL(messages["items"].Size(), 1u);
  BOOST_TEST(std::string(messages["items"][0]["message_id"].GetString()) == message_id);
  BOOST_TEST(std::string(messages["items"][0]["text"].GetString()) == "pushed by the provider");

  // The provider's retry of the same push (same Idempotency-Key) changes nothing.
  const auto again = push();
  BOOST_TEST(again.status / 100 == 2, again.text());
  BOOST_TEST(std::string(json_of(again)["message_id"].GetString()) == message_id);
  BOOST_TEST(json_of(user.call("GET", "/crm/v1/chats/chatline/c-1/messages"))["items"].Size() ==
             1u);
}

BOOST_AUTO_TEST_CASE(app_removal_deactivates_the_accounts_and_tells_the_provider) {
  MessagingStack stack;
  stack.provider().control("POST", "/accounts", R"({"accounts":[]})");
  stack.install("initech");
  const auto user = stack.user("initech", "u1");
  const auto client = stack.connect(user, e2e::messaging::client_token("initech"));
  // A single-channel provider lists no channels: the main account only.
  BOOST_TEST(stack.provider().received("/accounts").Size() == 1u);
  BOOST_TEST(json_of(user.call("GET", "/crm/v1/connections"))["items"][0]["accounts"].Size() == 1u);
  BOOST_TEST(stack.sync_of(user)["accounts"].GetInt() == 0);

  const auto removed = stack.marketplace().call(
      "DELETE", "/internal/v1/tenants/initech/installations/app-chatline?reason=removed");
  BOOST_REQUIRE_MESSAGE(removed.status == 200, removed.text());
  stack.until(user, "/crm/v1/connections", [](const e2e::HttpResponse& r) {
    const auto d = json_of(r);
    if (d["items"].Size() != 1u) return false;
    const auto& c = d["items"][0];
    if (std::string(c["state"].GetString()) != "inactive") return false;
    for (const auto& a : c["accounts"].GetArray()) {
      if (a["active"].GetBool()) return false;
    }
    return true;
  });
  stack.until(user, "/crm/v1/connections", [&](const e2e::HttpResponse&) {
    return stack.provider().received("/app-disabled").Size() == 1u;
  });
  BOOST_TEST(client.call("POST", "/public/v1/messages", inbound("pm-1", R"("hi")")).status == 401);
}

BOOST_AUTO_TEST_CASE(a_failed_account_sync_says_why_and_activating_the_token_again_retries_it) {
  MessagingStack stack;
  auto& provider = stack.provider();
  stack.install("acme");
  const auto user = stack.user("acme", "u1");
  const auto token = e2e::messaging::client_token("acme");
  const auto& db = stack.server().database();
  const auto count = [&](const std::string& types) {
    return db.count(
        "SELECT count(*) FROM events WHERE stream_id = 'connection-acme/chatline'"
        " AND event_type IN (" +
        types + ")");
  };
  const std::string outcomes = "'AccountSyncCompleted', 'AccountSyncFailed'";

  // The activation answers with the sync under way.
  provider.add_token(token);
  provider.set_mode({.mode = "failing", .status = 403, .count = 1});
  const auto activated = user.call("POST", "/crm/v1/connections",
                                   R"({"provider_code":"chatline","token":")" + token + R"("})");
  BOOST_REQUIRE_MESSAGE(activated.status == 201, activated.text());
  BOOST_TEST(std::string(json_of(activated)["sync"]["state"].GetString()) == "syncing");
  BOOST_TEST(json_of(activated)["sync"]["accounts"].IsNull());

  // list_accounts refuses (403): the sync fails at once, saying why; the connection stays.
  stack.until_synced(token);
  const auto failed = stack.sync_of(user);
  BOOST_TEST(std::string(failed["state"].GetString()) == "failed");
  BOOST_TEST(std::string(failed["reason"].GetString()) == "rejected");
  const std::string detail = failed["detail"].GetString();
  BOOST_TEST(detail.find("list_accounts answered 403") != std::string::npos, detail);
  BOOST_TEST(failed["accounts"].GetInt() == 0);
  BOOST_TEST(failed["chats"].GetInt() == 0);
  BOOST_TEST(failed["finished_at"].IsString());
  const auto connections = json_of(user.call("GET", "/crm/v1/connections"));
  BOOST_TEST(std::string(connections["items"][0]["state"].GetString()) == "active");
  BOOST_TEST(connections["items"][0]["accounts"].Size() == 1u);
  BOOST_TEST(count("'AccountSyncFailed'") == 1);
  // Given up, not retried: the provider was asked once.
  BOOST_TEST(provider.received("/accounts").Size() == 1u);

  // Activating the same token again is a new activation that syncs anew.
  stack.connect(user, token);
  const auto synced = stack.sync_of(user);
  BOOST_TEST(std::string(synced["state"].GetString()) == "synced");
  BOOST_TEST(synced["accounts"].GetInt() == 1);
  BOOST_TEST(synced["reason"].IsNull());
  BOOST_TEST(json_of(user.call("GET", "/crm/v1/connections"))["items"][0]["accounts"].Size() == 2u);
  BOOST_TEST(count("'ClientTokenActivated'") == 2);
  BOOST_TEST(count(outcomes) == 2);
  BOOST_TEST(count("'AccountSyncCompleted'") == 1);

  // Once synced, the same token again changes nothing and starts no sync.
  const auto events = db.count("SELECT count(*) FROM events");
  const auto again = user.call("POST", "/crm/v1/connections",
                               R"({"provider_code":"chatline","token":")" + token + R"("})");
  BOOST_TEST(again.status == 201, again.text());
  BOOST_TEST(std::string(json_of(again)["sync"]["state"].GetString()) == "synced");
  BOOST_TEST(db.count("SELECT count(*) FROM events") == events);
  BOOST_TEST(provider.received("/accounts").Size() == 2u);
}

// The activation answers with the connection it made, not with what the account sync it starts
// has done by the time the answer is written (the guides show the main account, "syncing"). A
// retry with its Idempotency-Key once the sync is over tells for sure: it answers as the first
// call did, though the connection has moved on since.
BOOST_AUTO_TEST_CASE(the_activation_answers_with_the_connection_it_made_not_a_later_one) {
  MessagingStack stack;
  stack.install("acme");
  const auto user = stack.user("acme", "u1");
  const auto token = e2e::messaging::client_token("acme");
  stack.provider().add_token(token);
  const auto activate = [&] {
    return user.call("POST", "/crm/v1/connections",
                     R"({"provider_code":"chatline","token":")" + token + R"("})",
                     {{"Idempotency-Key", "activate-1"}});
  };
  const auto as_activated = [](const e2e::HttpResponse& r) {
    BOOST_REQUIRE_MESSAGE(r.status == 201, r.text());
    const auto d = json_of(r);
    BOOST_TEST(std::string(d["state"].GetString()) == "active");
    BOOST_TEST(std::string(d["sync"]["state"].GetString()) == "syncing");
    BOOST_REQUIRE(d["accounts"].Size() == 1u);
    BOOST_TEST(std::string(d["accounts"][0]["account_id"].GetString()) == "main");
  };

  as_activated(activate());
  stack.until_synced(token);
  const auto now = json_of(user.call("GET", "/crm/v1/connections"));
  BOOST_TEST(std::string(now["items"][0]["sync"]["state"].GetString()) == "synced");
  BOOST_TEST(now["items"][0]["accounts"].Size() == 2u);
  as_activated(activate());
}

BOOST_AUTO_TEST_CASE(a_connection_deactivated_mid_sync_records_the_sync_failed_once) {
  MessagingStack stack{e2e::messaging::fast_delivery(30'000)};
  stack.install("acme");
  const auto user = stack.user("acme", "u1");
  // The provider answers too late (the server waits 1 s): the sync is retried meanwhile.
  stack.connect_mid_sync(user, e2e::messaging::client_token("acme"), 3'000);
  auto& provider = stack.provider();
  const auto deactivated = user.call("DELETE", "/crm/v1/connections/chatline");
  BOOST_REQUIRE_MESSAGE(deactivated.status == 200, deactivated.text());
  const auto answer = json_of(deactivated);
  const auto& sync = answer["sync"];
  BOOST_TEST(std::string(sync["state"].GetString()) == "failed");
  BOOST_TEST(std::string(sync["reason"].GetString()) == "connection_deactivated");
  // How far the worker had got is not known: no counts rather than false 0s.
  BOOST_TEST(sync["accounts"].IsNull());
  BOOST_TEST(sync["chats"].IsNull());
  // The provider answers again: the sync's job is dropped (its activation is over) and records
  // nothing more.
  provider.set_mode({});
  stack.until(user, "/crm/v1/connections", [&](const e2e::HttpResponse&) {
    return provider.received("/app-disabled").Size() == 1u;
  });
  BOOST_TEST(stack.server().database().count("SELECT count(*) FROM events WHERE event_type IN"
                                             " ('AccountSyncCompleted', 'AccountSyncFailed')") ==
             1);
  const auto listed = stack.sync_of(user);
  BOOST_TEST(std::string(listed["reason"].GetString()) == "connection_deactivated");
  BOOST_TEST(listed["accounts"].IsNull());
  BOOST_TEST(listed["chats"].IsNull());
  BOOST_TEST(listed["finished_at"].IsString());
}

// A connection activated before Switchboard recorded how syncs end: nothing will say how its sync
// went, and the CRM is told so in the sync's state rather than given a null to guess about.
BOOST_AUTO_TEST_CASE(a_connection_activated_before_sync_outcomes_shows_its_sync_unknown) {
  namespace sb = switchboard;
  MessagingStack stack;
  stack.install("acme");
  const auto user = stack.user("acme", "u1");
  const auto token = e2e::messaging::client_token("acme");
  stack.provider().add_token(token);
  // The activation as the log has it from then: no `activation` number.
  const auto key =
      sb::api::crypto::key_from_hex(e2e::default_settings().at("messaging.secret_key"));
  BOOST_REQUIRE(key);
  const auto& db = stack.server().database();
  sb::eventstore::EventStore store({.database_url = db.app_url(), .flushers = 1, .readers = 1});
  sb::eventstore::AppendRequest legacy;
  legacy.stream_id = "connection-acme/chatline";
  legacy.category = "connection";
  legacy.events.push_back(
      {sb::commands::new_uuid(), "ClientTokenActivated",
       R"({"tenant_id":"acme","provider_code":"chatline","app_id":"app-chatline","token_sha256":")" +
           sb::commands::access::token_sha256(token) + R"(","token_sealed":")" +
           sb::api::crypto::seal(token, *key) + R"(","has_history":false})",
       R"({"tenant":"acme"})"});
  BOOST_REQUIRE(store.append(std::move(legacy)).succeeded());

  const auto check = [](const rapidjson::Value& sync) {
    BOOST_TEST(std::string(sync["state"].GetString()) == "unknown");
    BOOST_TEST(sync["reason"].IsNull());
    BOOST_TEST(sync["accounts"].IsNull());
    BOOST_TEST(sync["chats"].IsNull());
  };
  const auto listed = stack.until(user, "/crm/v1/connections", [](const e2e::HttpResponse& r) {
    return r.status == 200 && json_of(r)["items"].Size() == 1u;
  });
  const auto connections = json_of(listed);
  const auto& connection = connections["items"][0];
  BOOST_TEST(std::string(connection["state"].GetString()) == "active");
  check(connection["sync"]);
  BOOST_TEST(connection["sync"]["finished_at"].IsNull());
  // The same token again changes nothing, and its answer (from the connection's state) says the
  // same.
  const auto again = user.call("POST", "/crm/v1/connections",
                               R"({"provider_code":"chatline","token":")" + token + R"("})");
  BOOST_REQUIRE_MESSAGE(again.status == 201, again.text());
  check(json_of(again)["sync"]);
}

BOOST_AUTO_TEST_SUITE_END()
