// Jobs as the DeliveryReactor writes them and the worker reads them, and the gate that keeps a
// connection that is gone from ever being called again.
#include "api/delivery/job.hpp"

#include <boost/test/unit_test.hpp>

#include "api/delivery/provider_client.hpp"
#include "api/delivery/targets.hpp"
#include "projections/messaging/delivery_reactor.hpp"

using namespace switchboard;
using namespace switchboard::api::delivery;
using projections::messaging::DeliveryReactor;

namespace {

eventstore::RecordedEvent event(std::string stream, std::string type, std::string data) {
  eventstore::RecordedEvent e;
  e.stream_id = std::move(stream);
  e.type = std::move(type);
  e.data = std::move(data);
  e.event_id = "7d1c3a52-5a7e-4b8e-9a51-0c6f7b2d9e10";
  e.recorded_at = "2024-05-01T10:00:00.250000Z";
  return e;
}

constexpr std::string_view kBaseUrl = "https://sb.example.com";

std::vector<Job> jobs_of(const eventstore::RecordedEvent& e,
                         std::string_view public_base_url = kBaseUrl) {
  std::vector<Job> jobs;
  for (const auto& made : DeliveryReactor::jobs_for(e, public_base_url)) {
    auto job = parse_job(made.payload);
    BOOST_REQUIRE(job.has_value());
    BOOST_CHECK_EQUAL(job->job_id, made.job_id);
    jobs.push_back(std::move(*job));
  }
  return jobs;
}

// The event's only job.
Job job_of(const eventstore::RecordedEvent& e) {
  auto jobs = jobs_of(e);
  BOOST_REQUIRE_EQUAL(jobs.size(), 1u);
  return std::move(jobs.front());
}

bool no_job(const eventstore::RecordedEvent& e) {
  return DeliveryReactor::jobs_for(e, kBaseUrl).empty();
}

}  // namespace

BOOST_AUTO_TEST_CASE(timestamps_are_read_as_utc) {
  const auto t = parse_timestamp("2024-05-01T10:00:00.250000Z");
  BOOST_REQUIRE(t.has_value());
  const auto expected = std::chrono::sys_days(std::chrono::year(2024) / 5 / 1) +
                        std::chrono::hours(10) + std::chrono::milliseconds(250);
  BOOST_CHECK(*t == expected);
  BOOST_CHECK(parse_timestamp("2024-05-01T13:00:00.25+03:00") == t);
  BOOST_CHECK(parse_timestamp("2024-05-01T10:00:00Z") == expected - std::chrono::milliseconds(250));
  BOOST_CHECK(!parse_timestamp("2024-05-01").has_value());
  BOOST_CHECK(!parse_timestamp("2024-13-01T10:00:00Z").has_value());
  BOOST_CHECK(!parse_timestamp("2024-05-01T10:00:00").has_value());
}

BOOST_AUTO_TEST_CASE(a_submitted_message_becomes_a_send_message_job_in_its_chat_lane) {
  const auto job = job_of(
      event("chat-t1/chatline/c-9", "MessageSubmitted",
            R"({"tenant_id":"t1","provider_code":"chatline","chat_id":"c-9","message_id":"m-1",)"
            R"("account_id":"main","user_id":"u-5","text":"Hi <b>\"there\"</b>","format":"html",)"
            R"("entities":[{"type":"bold","offset":0,"length":2}],"attachments":[]})"));
  BOOST_CHECK_EQUAL(job.job_id, "7d1c3a52-5a7e-4b8e-9a51-0c6f7b2d9e10");
  BOOST_CHECK_EQUAL(job.kind, "send_message");
  BOOST_CHECK_EQUAL(job.lane, "t1/chatline/c-9");
  BOOST_CHECK_EQUAL(job.created_at, "2024-05-01T10:00:00.250000Z");
  BOOST_CHECK_EQUAL(job.body_json(),
                    R"({"chat_id":"c-9","message_id":"m-1","account_id":"main","user_id":"u-5",)"
                    R"("text":"Hi <b>\"there\"</b>","format":"html",)"
                    R"("entities":[{"type":"bold","offset":0,"length":2}],"attachments":[]})");
  BOOST_CHECK_EQUAL(job.field("message_id"), "m-1");
  BOOST_CHECK_EQUAL(job.field("user_id"), "u-5");
}

BOOST_AUTO_TEST_CASE(only_crm_changes_go_to_the_provider) {
  const auto from_provider = event("chat-t1/chatline/c-9", "MessageTextUpdated",
                                   R"({"tenant_id":"t1","provider_code":"chatline",)"
                                   R"("chat_id":"c-9","message_id":"m-1","text":"x",)"
                                   R"("source":"provider"})");
  BOOST_CHECK(no_job(from_provider));
  const auto job =
      job_of(event("chat-t1/chatline/c-9", "MessageTextUpdated",
                   R"({"tenant_id":"t1","provider_code":"chatline","chat_id":"c-9",)"
                   R"("message_id":"m-1","provider_message_id":"p-1","text":"x",)"
                   R"("format":"plain","entities":[],"source":"crm","user_id":"u-5"})"));
  BOOST_CHECK_EQUAL(job.kind, "update_message_text");
  BOOST_CHECK_EQUAL(job.body_json(),
                    R"({"chat_id":"c-9","message_id":"m-1","provider_message_id":"p-1",)"
                    R"("text":"x","format":"plain","entities":[]})");
  // Who edited: told if the provider never gets the edit; not the provider's business.
  BOOST_CHECK_EQUAL(job.field("user_id"), "u-5");
  const auto read = job_of(event("chat-t1/chatline/c-9", "ChatRead",
                                 R"({"tenant_id":"t1","provider_code":"chatline","chat_id":"c-9",)"
                                 R"("source":"crm","user_id":"u-5","account_id":"main",)"
                                 R"("message_ids":["p-1","p-2"]})"));
  BOOST_CHECK_EQUAL(read.kind, "read_chat");
  BOOST_CHECK_EQUAL(read.body_json(),
                    R"({"chat_id":"c-9","account_id":"main","message_ids":["p-1","p-2"]})");
  BOOST_CHECK_EQUAL(read.field("user_id"), "u-5");
  BOOST_CHECK(no_job(event("chat-t1/chatline/c-9", "ChatRead",
                           R"({"tenant_id":"t1","provider_code":"chatline",)"
                           R"("chat_id":"c-9","source":"provider"})")));
}

BOOST_AUTO_TEST_CASE(an_expired_message_becomes_a_failed_status_for_the_provider) {
  const auto status = job_of(event("chat-t1/chatline/c-9", "MessageNotSent",
                                   R"({"tenant_id":"t1","provider_code":"chatline",)"
                                   R"("chat_id":"c-9","message_id":"m-1","user_id":"u-5",)"
                                   R"("reason":"expired","detail":"not delivered within 1 h"})"));
  BOOST_CHECK_EQUAL(status.kind, "update_message_status");
  BOOST_CHECK_EQUAL(status.lane, "t1/chatline/c-9");
  BOOST_CHECK_EQUAL(status.body_json(),
                    R"({"chat_id":"c-9","message_id":"m-1","status":"failed"})");
  // A refusal was the provider's own answer: it needs no word about it.
  BOOST_CHECK(no_job(event("chat-t1/chatline/c-9", "MessageNotSent",
                           R"({"tenant_id":"t1","provider_code":"chatline","chat_id":"c-9",)"
                           R"("message_id":"m-1","reason":"rejected"})")));
}

BOOST_AUTO_TEST_CASE(connection_events_use_the_connection_lane) {
  const auto activated =
      event("connection-t1/chatline", "ClientTokenActivated",
            R"({"tenant_id":"t1","provider_code":"chatline","app_id":"app-1",)"
            R"("token_sha256":"abc","token_sealed":"SEALED","has_history":true})");
  const auto on = jobs_of(activated);
  BOOST_REQUIRE_EQUAL(on.size(), 2u);
  const auto& sync = on[0];
  BOOST_CHECK_EQUAL(sync.kind, "sync_accounts");
  BOOST_CHECK_EQUAL(sync.job_id, activated.event_id);
  BOOST_CHECK_EQUAL(sync.lane, "t1/chatline");
  BOOST_CHECK_EQUAL(sync.field("token_sha256"), "abc");
  BOOST_CHECK(sync.flag("has_history"));
  BOOST_CHECK(sync.body() == nullptr);
  // The webhook follows the accounts in their lane, as its own piece of work.
  const auto& hook = on[1];
  BOOST_CHECK_EQUAL(hook.kind, "set_webhook");
  BOOST_CHECK_EQUAL(hook.job_id, activated.event_id + "/set_webhook");
  BOOST_CHECK_EQUAL(hook.lane, "t1/chatline");
  BOOST_CHECK_EQUAL(hook.field("token_sha256"), "abc");
  BOOST_CHECK_EQUAL(hook.body_json(), R"({"url":"https://sb.example.com"})");
  // Without a public base URL there is nothing to tell: no set_webhook.
  const auto unset = jobs_of(activated, "");
  BOOST_REQUIRE_EQUAL(unset.size(), 1u);
  BOOST_CHECK_EQUAL(unset[0].kind, "sync_accounts");
  // The sealed token stays in the read model; jobs never carry it.
  for (const auto& made : DeliveryReactor::jobs_for(activated, kBaseUrl)) {
    BOOST_CHECK(made.payload.find("SEALED") == std::string::npos);
  }

  // Replacing the token: the old one's webhook goes first, with the old token, in the same lane;
  // no app_disabled, since the tenant keeps the app and the connection.
  const auto replaced = event("connection-t1/chatline", "ClientTokenActivated",
                              R"({"tenant_id":"t1","provider_code":"chatline","app_id":"app-1",)"
                              R"("token_sha256":"def","token_sealed":"SEALED","has_history":false,)"
                              R"("replaced_token_sha256":"abc"})");
  const auto swap = jobs_of(replaced);
  BOOST_REQUIRE_EQUAL(swap.size(), 3u);
  BOOST_CHECK_EQUAL(swap[0].kind, "remove_webhook");
  BOOST_CHECK_EQUAL(swap[0].job_id, replaced.event_id + "/remove_webhook");
  BOOST_CHECK_EQUAL(swap[0].lane, "t1/chatline");
  BOOST_CHECK_EQUAL(swap[0].field("token_sha256"), "abc");
  BOOST_CHECK_EQUAL(swap[0].field("replaced_by"), "def");
  BOOST_CHECK(swap[0].body() == nullptr);
  BOOST_CHECK(replaced_token_notice(swap[0]));
  BOOST_CHECK_EQUAL(swap[1].kind, "sync_accounts");
  BOOST_CHECK_EQUAL(swap[1].job_id, replaced.event_id);
  BOOST_CHECK_EQUAL(swap[1].field("token_sha256"), "def");
  BOOST_CHECK_EQUAL(swap[2].kind, "set_webhook");
  BOOST_CHECK_EQUAL(swap[2].field("token_sha256"), "def");
  for (const auto& made : DeliveryReactor::jobs_for(replaced, kBaseUrl)) {
    BOOST_CHECK(made.payload.find("SEALED") == std::string::npos);
  }

  const auto deactivated = event("connection-t1/chatline", "ClientTokenDeactivated",
                                 R"({"tenant_id":"t1","provider_code":"chatline",)"
                                 R"("token_sha256":"abc","reason":"app_removed"})");
  const auto off_jobs = jobs_of(deactivated);
  BOOST_REQUIRE_EQUAL(off_jobs.size(), 2u);
  // The webhook goes first: app_disabled is the last call for the tenant.
  BOOST_CHECK_EQUAL(off_jobs[0].kind, "remove_webhook");
  BOOST_CHECK_EQUAL(off_jobs[0].job_id, deactivated.event_id + "/remove_webhook");
  BOOST_CHECK_EQUAL(off_jobs[0].field("token_sha256"), "abc");
  BOOST_CHECK(off_jobs[0].body() == nullptr);
  const auto& off = off_jobs[1];
  BOOST_CHECK_EQUAL(off.kind, "app_disabled");
  BOOST_CHECK_EQUAL(off.job_id, deactivated.event_id);
  BOOST_CHECK_EQUAL(off.body_json(), R"({"tenant_id":"t1","reason":"app_removed"})");
  BOOST_CHECK(!replaced_token_notice(off_jobs[0]));

  const auto removed = job_of(event("tenant-t1", "AppRemoved",
                                    R"({"app_id":"app-1","provider_code":"chatline",)"
                                    R"("app_version":"1.0","configuration_version":1,)"
                                    R"("reason":"disabled"})"));
  BOOST_CHECK_EQUAL(removed.kind, "remove_app");
  BOOST_CHECK_EQUAL(removed.tenant_id, "t1");
  BOOST_CHECK_EQUAL(removed.lane, "t1/chatline");
  BOOST_CHECK_EQUAL(removed.field("app_id"), "app-1");
  BOOST_CHECK_EQUAL(removed.field("reason"), "app_disabled");

  BOOST_CHECK(no_job(event("tenant-t1", "AppInstalled", "{}")));
  BOOST_CHECK(no_job(event("app-1", "AppRemoved", "{}")));
}

BOOST_AUTO_TEST_CASE(a_notice_push_is_the_only_job_without_a_tenant) {
  const std::string rest =
      R"("provider_code":"chatline","lane":"notices/dev-1","created_at":"2026-05-01T10:00:00Z",)"
      R"("developer_id":"dev-1","body":{"notice_id":"n-1","change":"published"}})";
  const auto push = parse_job(R"({"job_id":"e/chatline","kind":"notice_push",)" + rest);
  BOOST_REQUIRE(push.has_value());
  BOOST_CHECK(push->tenant_id.empty());
  BOOST_CHECK_EQUAL(push->field("developer_id"), "dev-1");
  BOOST_CHECK_EQUAL(push->body_json(), R"({"notice_id":"n-1","change":"published"})");
  BOOST_CHECK_EQUAL(endpoint_of(kinds::notice_push).endpoint, "notice_webhook");
  BOOST_CHECK_EQUAL(endpoint_of(kinds::notice_push).method, "POST");
  BOOST_CHECK(!parse_job(R"({"job_id":"e","kind":"send_message",)" + rest).has_value());
}

BOOST_AUTO_TEST_CASE(a_notice_push_goes_to_a_developer_and_is_given_up_in_its_own_words) {
  const auto push = traits_of(kinds::notice_push);
  BOOST_CHECK(push.recipient == Recipient::developer);
  BOOST_CHECK(push.outcome == Outcome::push);
  BOOST_CHECK_EQUAL(push.recipient_gone, "webhook_removed");
  BOOST_CHECK_EQUAL(push.not_done, "not pushed");
  for (const auto kind : {kinds::send_message, kinds::read_chat, kinds::sync_accounts}) {
    const auto traits = traits_of(kind);
    BOOST_CHECK(traits.recipient == Recipient::connection);
    BOOST_CHECK_EQUAL(traits.recipient_gone, "connection_deactivated");
    BOOST_CHECK_EQUAL(traits.not_done, "not sent");
  }
  BOOST_CHECK(traits_of(kinds::send_message).outcome == Outcome::delivery);
  BOOST_CHECK(traits_of(kinds::read_chat).outcome == Outcome::message);
  BOOST_CHECK(traits_of(kinds::sync_accounts).outcome == Outcome::sync);
  BOOST_CHECK(traits_of(kinds::remove_app).outcome == Outcome::removal);
}

BOOST_AUTO_TEST_CASE(malformed_jobs_are_refused) {
  BOOST_CHECK(!parse_job("").has_value());
  BOOST_CHECK(!parse_job("[]").has_value());
  BOOST_CHECK(!parse_job(R"({"job_id":"j","kind":"send_message"})").has_value());
  BOOST_CHECK(!parse_job(R"({"job_id":"j","kind":"k","tenant_id":"t","provider_code":"p",)"
                         R"("lane":"l","created_at":"yesterday"})")
                   .has_value());
}

BOOST_AUTO_TEST_CASE(the_gate_drops_work_of_a_connection_that_is_gone) {
  const auto chat = job_of(event("chat-t1/chatline/c-9", "MessageSubmitted",
                                 R"({"tenant_id":"t1","provider_code":"chatline","chat_id":"c-9",)"
                                 R"("message_id":"m-1"})"));
  std::string why;
  // Active since before the job: call.
  BOOST_CHECK(gate(chat, {true, true, "abc", true, false}, true, why) == Gate::call);
  // Deactivated after the job: never again, and the user's work is given up (not sent), not
  // forgotten.
  BOOST_CHECK(gate(chat, {true, false, "abc", true, true}, true, why) == Gate::give_up);
  // Deactivated and activated again after the job: the job belonged to the connection that went.
  BOOST_CHECK(gate(chat, {true, true, "def", false, true, true}, true, why) == Gate::give_up);
  // Only the token replaced since: the chat's work goes on with the new token.
  BOOST_CHECK(gate(chat, {true, true, "def", false, true, false}, true, why) == Gate::call);
  // Not in the read model yet, or inactive as of before the job: the read model lags.
  BOOST_CHECK(gate(chat, {}, true, why) == Gate::wait);
  BOOST_CHECK(gate(chat, {true, false, "abc", true, false}, true, why) == Gate::wait);
  // The app was removed for the tenant.
  BOOST_CHECK(gate(chat, {true, true, "abc", true, false}, false, why) == Gate::give_up);

  // The notice (remove_webhook, then app_disabled) goes with the inactive connection's token,
  // even with the app removed.
  for (const auto& off : jobs_of(event("connection-t1/chatline", "ClientTokenDeactivated",
                                       R"({"tenant_id":"t1","provider_code":"chatline",)"
                                       R"("token_sha256":"abc","reason":"app_removed"})"))) {
    BOOST_TEST_CONTEXT(off.kind) {
      BOOST_CHECK(gate(off, {true, false, "abc", true, true}, false, why) == Gate::call);
      BOOST_CHECK(gate(off, {true, true, "abc", true, false}, true, why) == Gate::call);
      BOOST_CHECK(gate(off, {true, true, "def", false, true}, true, why) == Gate::drop);
      BOOST_CHECK(gate(off, {true, true, "xyz", true, false}, true, why) == Gate::wait);
    }
  }

  // The replaced token's remove_webhook goes whatever the connection did since: it is about the
  // old token alone, and the new one is the row's.
  const auto swapped = jobs_of(event("connection-t1/chatline", "ClientTokenActivated",
                                     R"({"tenant_id":"t1","provider_code":"chatline",)"
                                     R"("token_sha256":"def","replaced_token_sha256":"abc"})"));
  const auto& retired = swapped.front();
  BOOST_CHECK(gate(retired, {true, true, "def", false, true}, true, why) == Gate::call);
  BOOST_CHECK(gate(retired, {true, false, "def", false, true}, false, why) == Gate::call);
  BOOST_CHECK(gate(retired, {true, true, "abc", true, false}, true, why) == Gate::call);

  // What an activation queued (sync_accounts, set_webhook) never goes once it is deactivated.
  for (const auto& sync : jobs_of(event("connection-t1/chatline", "ClientTokenActivated",
                                        R"({"tenant_id":"t1","provider_code":"chatline",)"
                                        R"("token_sha256":"abc"})"))) {
    BOOST_TEST_CONTEXT(sync.kind) {
      BOOST_CHECK(gate(sync, {true, true, "abc", true, true}, true, why) == Gate::call);
      BOOST_CHECK(gate(sync, {true, false, "abc", true, true}, true, why) == Gate::drop);
      BOOST_CHECK(gate(sync, {true, false, "old", true, false}, true, why) == Gate::wait);
      BOOST_CHECK(gate(sync, {true, true, "new", false, true}, true, why) == Gate::drop);
    }
  }
}

BOOST_AUTO_TEST_CASE(each_kind_calls_its_endpoint) {
  BOOST_CHECK_EQUAL(endpoint_of("set_webhook").endpoint, "set_webhook");
  BOOST_CHECK_EQUAL(endpoint_of("set_webhook").method, "POST");
  BOOST_CHECK_EQUAL(endpoint_of("remove_webhook").endpoint, "remove_webhook");
  BOOST_CHECK_EQUAL(endpoint_of("remove_webhook").method, "DELETE");
  BOOST_CHECK_EQUAL(endpoint_of("update_message_status").endpoint, "update_message_status");
  BOOST_CHECK_EQUAL(endpoint_of("update_message_status").method, "POST");
  BOOST_CHECK(endpoint_of("remove_app").endpoint.empty());
}

BOOST_AUTO_TEST_CASE(endpoint_urls_are_parsed) {
  const auto u = parse_url("https://api.chatline.example/sb/messages?x=1");
  BOOST_REQUIRE(u.has_value());
  BOOST_CHECK(u->tls);
  BOOST_CHECK_EQUAL(u->host, "api.chatline.example");
  BOOST_CHECK_EQUAL(u->port, "443");
  BOOST_CHECK_EQUAL(u->target, "/sb/messages?x=1");
  const auto local = parse_url("http://127.0.0.1:8088");
  BOOST_REQUIRE(local.has_value());
  BOOST_CHECK(!local->tls);
  BOOST_CHECK_EQUAL(local->port, "8088");
  BOOST_CHECK_EQUAL(local->target, "/");
  const auto v6 = parse_url("http://[::1]:9000/a");
  BOOST_REQUIRE(v6.has_value());
  BOOST_CHECK_EQUAL(v6->host, "::1");
  BOOST_CHECK_EQUAL(v6->port, "9000");
  BOOST_CHECK(!parse_url("ftp://x/").has_value());
  BOOST_CHECK(!parse_url("http://:80/").has_value());
  BOOST_CHECK(!parse_url("http://user@host/").has_value());
  BOOST_CHECK(!parse_url("http://host:http/").has_value());
}
