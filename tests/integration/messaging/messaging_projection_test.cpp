// The messaging read models (docs/messaging.md) from raw events as the contract writes them:
// connections and accounts, chats with participants and unread counts, messages through their
// statuses, text updates, reads, not-sent notifications and deactivation. The live runner takes
// the log three events at a time while verify and rebuild take it in one batch, so equal tables
// also show that gathering events within a batch does not change the rows.
#include "projections/messaging/messaging_projection.hpp"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <map>
#include <pqxx/pqxx>
#include <set>

#include "commands/command_context.hpp"
#include "eventstore/event_store.hpp"
#include "eventstore/migrator.hpp"
#include "projections/rebuild.hpp"
#include "projections/runner.hpp"
#include "tests/support/projection_contents.hpp"
#include "tests/support/test_database.hpp"

using namespace switchboard;
using namespace std::chrono_literals;

namespace {

// One tenant's connection to the "chatline" provider, recorded as raw events.
class Log {
 public:
  Log(eventstore::EventStore& store, std::string tenant)
      : store_(store), tenant_(std::move(tenant)) {}

  void connection(const std::string& type, const std::string& fields) {
    append("connection-" + tenant_ + "/chatline", type, fields);
  }
  void chat(const std::string& chat_id, const std::string& type, const std::string& fields) {
    append("chat-" + tenant_ + "/chatline/" + chat_id, type,
           R"("chat_id":")" + chat_id + R"(",)" + fields);
  }

 private:
  void append(const std::string& stream, const std::string& type, const std::string& fields) {
    eventstore::AppendRequest r;
    r.stream_id = stream;
    r.category = stream.substr(0, stream.find('-'));
    r.events.push_back(
        {commands::new_uuid(), type,
         R"({"tenant_id":")" + tenant_ + R"(","provider_code":"chatline",)" + fields + "}",
         R"({"tenant":")" + tenant_ + R"("})"});
    BOOST_REQUIRE(store_.append(std::move(r)).succeeded());
  }

  eventstore::EventStore& store_;
  std::string tenant_;
};

std::string inbound(const std::string& message_id, const std::string& provider_id,
                    const std::string& text, const std::string& sent_at, bool silent = false) {
  return R"("message_id":")" + message_id + R"(","provider_message_id":")" + provider_id +
         R"(","account_id":"tg-1","sender":{"id":"olga","name":"Olga"},"text":)" + text +
         R"(,"format":"plain","entities":[],"attachments":[],"sent_at":")" + sent_at +
         R"(","silent":)" + (silent ? "true" : "false");
}

std::string outbound(const std::string& message_id, const std::string& text) {
  return R"("message_id":")" + message_id + R"(","account_id":"tg-1","user_id":"u1","text":)" +
         text +
         R"(,"format":"markdown","entities":[{"type":"bold","offset":0,"length":5}],)"
         R"("attachments":[{"url":"https://files.example/a.pdf","name":"a.pdf",)"
         R"("mime_type":"application/pdf","size":1024}])";
}

// Records the tenants the projection says the chat lists of changed.
class ChatListsHeard : public pqxx::notification_receiver {
 public:
  ChatListsHeard(pqxx::connection& c, std::multiset<std::string>& heard)
      : pqxx::notification_receiver(c,
                                    projections::messaging::MessagingProjection::chat_list_channel),
        heard_(heard) {}
  void operator()(const std::string& payload, int) override { heard_.insert(payload); }

 private:
  std::multiset<std::string>& heard_;
};

void catch_up(eventstore::EventStore& store, const tests::TestDatabase& db,
              std::shared_ptr<projections::Projection> projection) {
  projections::ProjectionRunner runner(
      store, {std::move(projection)},
      {.database_url = db.app_url(), .batch_size = 3, .poll_interval = 100ms});
  runner.start();
  BOOST_REQUIRE(runner.wait_caught_up(30s));
  runner.stop();
  BOOST_REQUIRE(db.count("SELECT count(*) FROM projection_checkpoints WHERE name = 'messaging'"
                         " AND events_applied = (SELECT count(*) FROM events)") == 1);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(messaging_projection)

BOOST_AUTO_TEST_CASE(read_models_follow_the_events_and_replay_to_the_same_rows) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url(), .flushers = 1, .readers = 1});
  auto projection = std::make_shared<projections::messaging::MessagingProjection>();
  Log acme(store, "acme");
  Log globex(store, "globex");

  acme.connection("ClientTokenActivated",
                  R"("app_id":"app-chat","token_sha256":"aaaa","token_sealed":"c2VhbGVk",)"
                  R"("has_history":true)");
  acme.connection("AccountConnected",
                  R"("account_id":"main","channel_code":"","name":"Chatline","main":true)");
  acme.connection("AccountConnected",
                  R"("account_id":"tg-1","channel_code":"telegram","name":"Bot","main":false)");
  acme.connection("AccountConnected",
                  R"("account_id":"sq-1","channel_code":"squawk","name":"New","main":false)");

  // A private chat: three inbound messages, one of them an old one imported silently.
  const std::string special = R"("Привет, *мир* <b>&amp;</b> \"quoted\" \\ 🙂")";
  acme.chat("c-1", "ChatStarted",
            R"("account_id":"tg-1","kind":"private","participants":[{"id":"olga","name":"Olga"}])");
  acme.chat("c-1", "MessageReceived", inbound("m-1", "pm-1", special, "2020-01-05T10:00:00Z"));
  acme.chat("c-1", "MessageReceived",
            inbound("m-2", "pm-2", R"("second")", "2020-01-05T10:05:00Z"));
  acme.chat("c-1", "MessageReceived",
            inbound("m-0", "pm-0", R"("history")", "2020-01-01T12:00:00+03:00", true));
  // The same chat id at another tenant is another chat.
  globex.chat("c-1", "ChatStarted",
              R"("account_id":"main","kind":"private","participants":[{"id":"x","name":"X"}])");
  globex.chat("c-1", "MessageReceived", inbound("g-1", "pm-1", R"("hi")", "not a time"));
  catch_up(store, db, projection);

  BOOST_TEST(db.count("SELECT count(*) FROM messaging_connections WHERE tenant_id = 'acme'"
                      " AND active AND has_history AND token_sha256 = 'aaaa'"
                      " AND reason IS NULL AND app_id = 'app-chat'") == 1);
  BOOST_TEST(db.count("SELECT count(*) FROM messaging_accounts WHERE tenant_id = 'acme'"
                      " AND active") == 3);
  BOOST_TEST(db.count("SELECT count(*) FROM messaging_accounts WHERE account_id = 'main' AND main"
                      " AND channel_code IS NULL AND icon = 'stub'") == 1);
  BOOST_TEST(db.count("SELECT count(*) FROM messaging_accounts WHERE account_id = 'sq-1'"
                      " AND channel_code = 'squawk' AND icon = 'stub'") == 1);
  BOOST_TEST(db.count("SELECT count(*) FROM messaging_chats WHERE tenant_id = 'acme'"
                      " AND chat_id = 'c-1' AND channel_code = 'telegram' AND icon = 'telegram'"
                      " AND kind = 'private' AND title IS NULL AND unread_count = 2"
                      " AND participants = '[{\"id\":\"olga\",\"name\":\"Olga\"}]'"
                      " AND last_message_id = 'm-2' AND last_message_text = 'second'"
                      " AND last_message_at = '2020-01-05T10:05:00Z'") == 1);
  BOOST_TEST(db.count("SELECT count(*) FROM messaging_messages WHERE message_id = 'm-1'"
                      " AND text = 'Привет, *мир* <b>&amp;</b> \"quoted\" \\ 🙂'"
                      " AND direction = 'inbound' AND status = 'received' AND NOT seen"
                      " AND sender = '{\"id\":\"olga\",\"name\":\"Olga\"}' AND user_id IS NULL"
                      " AND provider_message_id = 'pm-1' AND entities = '[]'") == 1);
  BOOST_TEST(db.count("SELECT count(*) FROM messaging_messages WHERE message_id = 'm-0'"
                      " AND seen AND silent AND sent_at = '2020-01-01T09:00:00Z'") == 1);
  // Messages list in the log's order.
  BOOST_TEST(db.count("SELECT count(*) FROM messaging_messages a JOIN messaging_messages b"
                      " ON a.message_id = 'm-1' AND b.message_id = 'm-2'"
                      " WHERE a.position < b.position") == 1);
  // A sent_at PostgreSQL cannot read is the event's time; a chat of an account not connected
  // (yet) has no channel and the stub icon.
  BOOST_TEST(db.count("SELECT count(*) FROM messaging_chats c JOIN messaging_messages m"
                      " ON m.message_id = 'g-1' WHERE c.tenant_id = 'globex' AND c.unread_count = 1"
                      " AND c.channel_code IS NULL AND c.icon = 'stub'"
                      " AND m.sent_at > now() - interval '1 hour'") == 1);

  // The CRM answers (delivered, then its text edited), reads one message; a group chat is
  // edited; a message is not sent; a channel goes away; then the connection is removed.
  acme.chat("c-1", "MessageSubmitted", outbound("o-1", R"("reply")"));
  acme.chat("c-1", "MessageDelivered", R"("message_id":"o-1","provider_message_id":"pm-o1")");
  acme.chat("c-1", "MessageStatusChanged", R"("message_id":"o-1","status":"delivered")");
  acme.chat("c-1", "MessageTextUpdated",
            R"("message_id":"o-1","text":"reply, edited","format":"plain","entities":[],)"
            R"("source":"crm")");
  acme.chat("c-1", "MessageTextUpdated",
            R"("message_id":"m-2","text":"second, edited","format":"html","entities":[],)"
            R"("source":"provider")");
  // A read subtracts only what it marks: o-1 is outbound, m-0 was imported seen, m-9 is unknown.
  acme.chat("c-1", "ChatRead",
            R"("source":"crm","user_id":"u1","message_ids":["m-1","o-1","m-0","m-9"])");
  acme.chat("g-1", "ChatStarted",
            R"("account_id":"sq-1","kind":"group","title":"Team","participants":)"
            R"([{"id":"a","name":"A"},{"id":"b","name":"B"},{"id":"c","name":"C"}])");
  acme.chat("g-1", "MessageReceived",
            inbound("m-3", "pm-3", R"("hello all")", "2020-01-06T08:00:00Z"));
  acme.chat("g-1", "ChatEdited",
            R"("title":"Team 2","participants_added":[{"id":"d","name":"D"},)"
            R"({"id":"b","name":"B renamed"}],"participants_removed":["a"])");
  acme.chat("g-1", "ChatEdited", R"("participants_added":[],"participants_removed":["c"])");
  acme.chat("c-1", "MessageSubmitted", outbound("o-2", R"("too late")"));
  acme.chat("c-1", "MessageNotSent",
            R"("message_id":"o-2","user_id":"u1","reason":"expired","detail":"not sent in 1 h")");
  acme.chat("c-1", "MessageStatusChanged", R"("message_id":"o-1","status":"read")");
  acme.connection("AccountDisconnected", R"("account_id":"sq-1")");
  catch_up(store, db, projection);

  BOOST_TEST(db.count("SELECT count(*) FROM messaging_messages WHERE message_id = 'o-1'"
                      " AND direction = 'outbound' AND status = 'read' AND seen"
                      " AND provider_message_id = 'pm-o1' AND user_id = 'u1' AND sender IS NULL"
                      " AND text = 'reply, edited' AND format = 'plain' AND entities = '[]'"
                      " AND attachments @> '[{\"name\":\"a.pdf\",\"size\":1024}]'") == 1);
  BOOST_TEST(db.count("SELECT count(*) FROM messaging_messages WHERE message_id = 'm-2'"
                      " AND text = 'second, edited' AND format = 'html' AND NOT seen") == 1);
  BOOST_TEST(db.count("SELECT count(*) FROM messaging_messages WHERE message_id = 'm-1'"
                      " AND seen") == 1);
  // o-2 is the newest message; o-1's edit reached the chat while o-1 was the last message.
  BOOST_TEST(db.count("SELECT count(*) FROM messaging_chats WHERE tenant_id = 'acme'"
                      " AND chat_id = 'c-1' AND unread_count = 1 AND last_message_id = 'o-2'"
                      " AND last_message_text = 'too late'"
                      " AND position = (SELECT max(global_position) FROM events"
                      "   WHERE stream_id = 'chat-acme/chatline/c-1'"
                      "   AND event_type IN ('MessageSubmitted', 'ChatRead'))") == 1);
  BOOST_TEST(db.count("SELECT count(*) FROM messaging_messages WHERE message_id = 'o-2'"
                      " AND status = 'not_sent' AND not_sent_reason = 'expired'"
                      " AND not_sent_detail = 'not sent in 1 h'") == 1);
  BOOST_TEST(db.count("SELECT count(*) FROM messaging_messages WHERE not_sent_reason IS NOT NULL"
                      "   OR not_sent_detail IS NOT NULL") == 1);
  BOOST_TEST(db.count("SELECT count(*) FROM messaging_notifications WHERE tenant_id = 'acme'"
                      " AND user_id = 'u1' AND kind = 'not_sent' AND message_id = 'o-2'"
                      " AND chat_id = 'c-1' AND provider_code = 'chatline' AND reason = 'expired'"
                      " AND detail = 'not sent in 1 h'") == 1);
  BOOST_TEST(db.count("SELECT count(*) FROM messaging_chats WHERE chat_id = 'g-1'"
                      " AND kind = 'group' AND title = 'Team 2' AND channel_code = 'squawk'"
                      " AND icon = 'stub' AND unread_count = 1"
                      " AND participants = '[{\"id\":\"d\",\"name\":\"D\"},"
                      "   {\"id\":\"b\",\"name\":\"B renamed\"}]'") == 1);
  BOOST_TEST(db.count("SELECT count(*) FROM messaging_accounts WHERE account_id = 'sq-1'"
                      " AND NOT active") == 1);

  acme.connection("ClientTokenDeactivated", R"("token_sha256":"aaaa","reason":"app_removed")");
  catch_up(store, db, projection);
  BOOST_TEST(db.count("SELECT count(*) FROM messaging_connections WHERE tenant_id = 'acme'"
                      " AND NOT active AND reason = 'app_removed'") == 1);
  BOOST_TEST(db.count("SELECT count(*) FROM messaging_accounts WHERE tenant_id = 'acme'"
                      " AND active") == 0);

  // An activation recorded before sync outcomes: nothing will say how its sync went.
  BOOST_TEST(db.count("SELECT count(*) FROM messaging_connections WHERE tenant_id = 'acme'"
                      " AND sync_state = 'unknown' AND sync_finished_at IS NULL"
                      " AND sync_accounts IS NULL") == 1);

  // A reactivation brings the connection and its main account back, and its sync runs.
  const std::string activation =
      R"("app_id":"app-chat","token_sha256":"aaaa","token_sealed":"c2VhbGVk","has_history":false,)";
  acme.connection("ClientTokenActivated", activation + R"("activation":2)");
  catch_up(store, db, projection);
  BOOST_TEST(db.count("SELECT count(*) FROM messaging_connections WHERE tenant_id = 'acme'"
                      " AND active AND reason IS NULL AND NOT has_history"
                      " AND sync_state = 'syncing' AND sync_finished_at IS NULL") == 1);
  BOOST_TEST(db.count("SELECT count(*) FROM messaging_accounts WHERE tenant_id = 'acme'"
                      " AND active") == 1);
  acme.connection("AccountSyncFailed",
                  R"("activation":2,"accounts":0,"chats":0,"reason":"rejected",)"
                  R"("detail":"list_accounts answered 403")");
  catch_up(store, db, projection);
  BOOST_TEST(db.count("SELECT count(*) FROM messaging_connections WHERE tenant_id = 'acme'"
                      " AND sync_state = 'failed' AND sync_reason = 'rejected'"
                      " AND sync_detail = 'list_accounts answered 403' AND sync_accounts = 0"
                      " AND sync_finished_at = (SELECT recorded_at FROM events"
                      "   WHERE event_type = 'AccountSyncFailed')") == 1);
  // Activated again to retry it: syncing afresh, then synced with its counts.
  acme.connection("ClientTokenActivated", activation + R"("activation":3)");
  catch_up(store, db, projection);
  BOOST_TEST(db.count("SELECT count(*) FROM messaging_connections WHERE tenant_id = 'acme'"
                      " AND sync_state = 'syncing' AND sync_reason IS NULL"
                      " AND sync_detail IS NULL AND sync_accounts IS NULL") == 1);
  acme.connection("AccountSyncCompleted", R"("activation":3,"accounts":2,"chats":7)");
  catch_up(store, db, projection);
  BOOST_TEST(db.count("SELECT count(*) FROM messaging_connections WHERE tenant_id = 'acme'"
                      " AND sync_state = 'synced' AND sync_reason IS NULL AND sync_accounts = 2"
                      " AND sync_chats = 7 AND sync_finished_at = (SELECT recorded_at FROM events"
                      "   WHERE event_type = 'AccountSyncCompleted')") == 1);
  // A sync the end of its activation failed has no counts; recorded before such failures went
  // without them, it carries 0s, which are no counts either.
  acme.connection("ClientTokenActivated", activation + R"("activation":4)");
  acme.connection("AccountSyncFailed",
                  R"("activation":4,"accounts":0,"chats":0,"reason":"token_replaced")");
  catch_up(store, db, projection);
  BOOST_TEST(db.count("SELECT count(*) FROM messaging_connections WHERE tenant_id = 'acme'"
                      " AND sync_state = 'failed' AND sync_reason = 'token_replaced'"
                      " AND sync_accounts IS NULL AND sync_chats IS NULL") == 1);

  BOOST_TEST(projections::verify(db.admin_url(), *projection).empty());
  const auto before = tests::projection_contents(db, *projection);
  projections::rebuild(db.admin_url(), *projection);
  const auto after = tests::projection_contents(db, *projection);
  for (const auto& [table, rows] : before) {
    BOOST_TEST(!rows.empty(), "table " << table);
    BOOST_TEST(after.at(table) == rows, "table " << table);
  }
}

// Nodes keep the chat lists they rendered until the projection notifies that a tenant's lists
// changed (api/cache/read_model_watch.hpp). An event that changes none must not notify: the account
// sync's outcomes did, and every CRM user's next poll rendered the list anew for nothing.
BOOST_AUTO_TEST_CASE(only_events_that_change_a_chat_list_notify_that_it_changed) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url(), .flushers = 1, .readers = 1});
  auto projection = std::make_shared<projections::messaging::MessagingProjection>();
  pqxx::connection listener(db.admin_url());
  std::multiset<std::string> heard;  // tenants
  ChatListsHeard receiver(listener, heard);
  Log acme(store, "acme");
  Log globex(store, "globex");

  // The connection's life, its account sync's outcomes included, and messages' progress.
  const std::string activation =
      R"("app_id":"app-chat","token_sha256":"aaaa","token_sealed":"c2VhbGVk","has_history":true,)";
  acme.connection("ClientTokenActivated", activation + R"("activation":1)");
  acme.connection("AccountConnected",
                  R"("account_id":"tg-1","channel_code":"telegram","name":"Bot","main":false)");
  acme.connection("AccountSyncFailed",
                  R"("activation":1,"accounts":1,"chats":0,"reason":"rejected","detail":"403")");
  acme.connection("ClientTokenActivated", activation + R"("activation":2)");
  acme.connection("AccountSyncCompleted", R"("activation":2,"accounts":1,"chats":3)");
  acme.chat("c-1", "MessageDelivered", R"("message_id":"o-1","provider_message_id":"pm-o1")");
  acme.chat("c-1", "MessageStatusChanged", R"("message_id":"o-1","status":"read")");
  acme.chat("c-1", "MessageNotSent", R"("message_id":"o-2","user_id":"u1","reason":"expired")");
  acme.chat("c-1", "DeliveryFailed",
            R"("message_id":"o-1","user_id":"u1","action":"read_chat","reason":"rejected")");
  acme.connection("AccountDisconnected", R"("account_id":"tg-1")");
  acme.connection("ClientTokenDeactivated", R"("token_sha256":"aaaa","reason":"deactivated")");
  catch_up(store, db, projection);
  BOOST_REQUIRE(db.count("SELECT count(*) FROM messaging_connections WHERE tenant_id = 'acme'"
                         " AND sync_state = 'synced' AND NOT active") == 1);

  // A new chat changes globex's list. Notifications arrive in the order their transactions
  // committed: once globex's is heard, any of acme's would have been.
  globex.chat("c-1", "ChatStarted",
              R"("account_id":"main","kind":"private","participants":[{"id":"x","name":"X"}])");
  catch_up(store, db, projection);
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (heard.count("globex") == 0) {
    BOOST_REQUIRE_MESSAGE(std::chrono::steady_clock::now() < deadline,
                          "globex's new chat was not notified");
    listener.await_notification(0, 100'000);
  }
  BOOST_TEST(heard.count("acme") == 0u);
}

// Migration 0033 added the not-sent reason to the messages: the ones already not sent take it from
// their notification, so the live tables stay what a rebuild produces.
BOOST_AUTO_TEST_CASE(messages_not_sent_before_migration_0033_take_their_reason_from_the_notice) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url(), .flushers = 1, .readers = 1});
  auto projection = std::make_shared<projections::messaging::MessagingProjection>();
  Log acme(store, "acme");
  acme.chat("c-1", "ChatStarted", R"("account_id":"tg-1","kind":"private","participants":[])");
  acme.chat("c-1", "MessageSubmitted", outbound("o-1", R"("refused")"));
  acme.chat("c-1", "MessageNotSent",
            R"("message_id":"o-1","user_id":"u1","reason":"rejected","detail":"answered 422")");
  acme.chat("c-1", "MessageSubmitted", outbound("o-2", R"("no detail")"));
  acme.chat("c-1", "MessageNotSent",
            R"("message_id":"o-2","user_id":"u1","reason":"expired","detail":"")");
  acme.chat("c-1", "MessageSubmitted", outbound("o-3", R"("waiting")"));
  catch_up(store, db, projection);

  // Back to the tables as they were before 0033, then the migration again.
  {
    pqxx::connection c(db.admin_url());
    pqxx::work tx(c);
    tx.exec(
        "ALTER TABLE messaging_messages DROP COLUMN not_sent_reason,"
        " DROP COLUMN not_sent_detail");
    tx.exec("DELETE FROM schema_migrations WHERE name LIKE '0033_%'");
    tx.commit();
  }
  BOOST_TEST(eventstore::migrate(db.admin_url()).applied.size() == 1u);

  BOOST_TEST(db.count("SELECT count(*) FROM messaging_messages WHERE message_id = 'o-1'"
                      " AND not_sent_reason = 'rejected' AND not_sent_detail = 'answered 422'") ==
             1);
  BOOST_TEST(db.count("SELECT count(*) FROM messaging_messages WHERE message_id = 'o-2'"
                      " AND not_sent_reason = 'expired' AND not_sent_detail IS NULL") == 1);
  BOOST_TEST(db.count("SELECT count(*) FROM messaging_messages WHERE message_id = 'o-3'"
                      " AND status = 'pending' AND not_sent_reason IS NULL") == 1);
  BOOST_TEST(projections::verify(db.admin_url(), *projection).empty());
}

// The server writes error_log directly: the application may add and purge rows, not edit them.
BOOST_AUTO_TEST_CASE(the_application_inserts_and_purges_the_error_log_but_never_edits_it) {
  tests::TestDatabase db;
  pqxx::connection c(db.app_url());
  {
    pqxx::work tx(c);
    tx.exec(
        "INSERT INTO error_log (source, tenant_id, provider_code, method, route, status, problem,"
        " request_id) VALUES ('public_api', 'acme', 'chatline', 'POST', '/public/v1/messages',"
        " 422, '{\"title\":\"invalid\"}', 'r-1')");
    tx.commit();
  }
  BOOST_TEST(db.count("SELECT count(*) FROM error_log WHERE id > 0 AND recorded_at <= now()") == 1);
  BOOST_CHECK_THROW(
      {
        pqxx::work tx(c);
        tx.exec("UPDATE error_log SET status = 500");
      },
      pqxx::insufficient_privilege);
  pqxx::work tx(c);
  BOOST_TEST(tx.exec("DELETE FROM error_log").affected_rows() == 1u);
  BOOST_CHECK_THROW(tx.exec("INSERT INTO error_log (source) VALUES ('elsewhere')"),
                    pqxx::check_violation);
}

BOOST_AUTO_TEST_SUITE_END()
