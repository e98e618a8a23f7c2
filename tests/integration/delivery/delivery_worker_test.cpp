// The delivery worker against a real JetStream, a real PostgreSQL (read models, advisory lock,
// error log) and a real HTTP peer: the rules of docs/messaging.md, "Delivery to providers".
#include "api/delivery/delivery_worker.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <ctime>
#include <functional>
#include <map>
#include <mutex>
#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "api/nats/nats_client.hpp"
#include "commands/command_context.hpp"
#include "projections/messaging/delivery_reactor.hpp"
#include "tests/integration/delivery/test_peer.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/test_database.hpp"

using namespace switchboard;
using namespace switchboard::api::delivery;
using namespace switchboard::tests::delivery;
using namespace std::chrono_literals;
using switchboard::tests::eventually;

namespace {

const auto secret_key =
    *api::crypto::key_from_hex("8f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0");
constexpr const char* token = "client-token-of-t1-0123456789abcdefghijklmnop";

// As the event store writes recorded_at.
std::string now_iso() {
  const auto now = std::chrono::system_clock::now();
  const auto seconds = std::chrono::system_clock::to_time_t(now);
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() %
      1'000'000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<long>(micros));
  return text;
}

// Records what the command handlers would; `refuse` plays PostgreSQL being away.
class RecordingOutcomes final : public DeliveryOutcomes {
 public:
  struct NotSent {
    std::string job_id, message_id, reason, detail;
  };
  struct Sync {
    std::int64_t activation;
    std::size_t accounts, chats;
    std::string reason, detail;
  };

  bool delivered(const Job& job, const std::string& provider_message_id) override {
    std::lock_guard lock(mutex_);
    ++calls_;
    if (refuse_) return false;
    delivered_.emplace_back(job.field("message_id"), provider_message_id);
    return true;
  }
  bool not_sent(const Job& job, std::string_view reason, std::string_view detail) override {
    std::lock_guard lock(mutex_);
    ++calls_;
    if (refuse_) return false;
    not_sent_.push_back(
        {job.job_id, job.field("message_id"), std::string(reason), std::string(detail)});
    return true;
  }
  bool accounts_listed(const Job&, const rapidjson::Value& accounts, SyncTally& tally) override {
    std::lock_guard lock(mutex_);
    ++calls_;
    accounts_ += accounts.Size();
    for (rapidjson::SizeType i = 0; i < accounts.Size(); ++i) tally.accounts.insert(key(i));
    return !refuse_;
  }
  // Each history message counts as a chat of its own.
  bool history_page(const Job&, const rapidjson::Value& messages, SyncTally& tally) override {
    std::lock_guard lock(mutex_);
    ++calls_;
    for (rapidjson::SizeType i = 0; i < messages.Size(); ++i) tally.chats.insert(key(history_++));
    return !refuse_;
  }
  bool sync_ended(const Job& job, const SyncTally& tally, std::string_view reason,
                  std::string_view detail) override {
    std::lock_guard lock(mutex_);
    ++calls_;
    if (refuse_) return false;
    syncs_.push_back({job.number("activation"), tally.accounts.size(), tally.chats.size(),
                      std::string(reason), std::string(detail)});
    return true;
  }
  bool remove_app(const Job& job) override {
    std::lock_guard lock(mutex_);
    ++calls_;
    removed_.push_back(job.field("reason"));
    return !refuse_;
  }
  bool notice_pushed(const Job&, std::string_view reason, std::string_view) override {
    std::lock_guard lock(mutex_);
    ++calls_;
    pushed_.emplace_back(reason);
    return !refuse_;
  }

  void refuse(bool r) {
    std::lock_guard lock(mutex_);
    refuse_ = r;
  }
  std::vector<std::pair<std::string, std::string>> delivered() const {
    std::lock_guard lock(mutex_);
    return delivered_;
  }
  std::vector<NotSent> not_sent() const {
    std::lock_guard lock(mutex_);
    return not_sent_;
  }
  int calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  std::size_t accounts() const {
    std::lock_guard lock(mutex_);
    return accounts_;
  }
  std::size_t history() const {
    std::lock_guard lock(mutex_);
    return history_;
  }
  std::vector<std::string> removed() const {
    std::lock_guard lock(mutex_);
    return removed_;
  }
  std::vector<Sync> syncs() const {
    std::lock_guard lock(mutex_);
    return syncs_;
  }
  std::vector<std::string> pushed() const {
    std::lock_guard lock(mutex_);
    return pushed_;
  }

 private:
  mutable std::mutex mutex_;
  bool refuse_ = false;
  int calls_ = 0;
  std::vector<std::pair<std::string, std::string>> delivered_;
  std::vector<NotSent> not_sent_;
  std::size_t accounts_ = 0;
  std::size_t history_ = 0;
  std::vector<std::string> removed_;
  std::vector<std::string> pushed_;
  std::vector<Sync> syncs_;

  static std::string key(std::size_t i) { return std::to_string(i); }
};

// A tenant t1 bound to provider `chatline` whose endpoints are the peer, an active connection
// with the client token, and a queue of its own on the shared nats-server.
struct Fixture {
  tests::TestDatabase db;
  TestPeer peer;
  RecordingOutcomes outcomes;
  std::unique_ptr<api::nats::NatsClient> nats;
  std::shared_ptr<api::nats::JetStreamPublisher> publisher;
  DeliverySettings settings;

  Fixture() {
    if (std::getenv("DELIVERY_TEST_DEBUG") != nullptr) spdlog::set_level(spdlog::level::debug);
    std::string error;
    nats = api::nats::NatsClient::connect(tests::nats_url(), error);
    BOOST_REQUIRE_MESSAGE(nats, error);
    publisher = std::make_shared<api::nats::JetStreamPublisher>(*nats, 5s);
    settings.policy = {
        .retry_delay = 200ms, .max_attempts = 3, .unavailable_retry = 300ms, .expiry = 60s};
    settings.request_timeout = 1s;
    settings.concurrency = 8;
    settings.database_url = db.app_url();
    settings.secret_key = secret_key;
    settings.stream = "DELIVERY_" + db.name();
    settings.subject = "test." + db.name() + ".delivery";
    settings.consumer = "worker";
    settings.ack_wait = 3s;
    settings.ownership_check = 200ms;
    BOOST_REQUIRE_MESSAGE(ensure_delivery_queue(*nats, settings, error), error);
    bind("chatline", "app-1", "sha-of-token", peer);
  }

  // t1 bound to `provider` (app `app_id`) whose endpoints are `at`, with an active connection
  // (the client token's hash is unique among connections).
  void bind(const std::string& provider, const std::string& app_id, const std::string& token_sha,
            const TestPeer& at) {
    db.exec(R"(
      INSERT INTO provider_configurations (app_id, provider_code, version, app_version, endpoints,
        auth_type, state, uploaded_at)
      VALUES (')" +
            app_id + "', '" + provider + R"(', 1, '1.0', ')" + endpoints(at) +
            R"('::jsonb, 'token', 'active', now());
      INSERT INTO tenant_bindings (tenant_id, app_id, provider_code, app_version,
        configuration_version, sandbox, active, updated_at)
      VALUES ('t1', ')" +
            app_id + "', '" + provider + R"(', '1.0', 1, true, true, now() - interval '1 hour');
      INSERT INTO messaging_connections (tenant_id, provider_code, app_id, token_sha256,
        token_sealed, has_history, active, reason, activated_at, updated_at)
      VALUES ('t1', ')" +
            provider + "', '" + app_id + "', '" + token_sha + R"(', ')" +
            api::crypto::seal(token, secret_key) + R"(', true, true, NULL,
        now() - interval '1 hour', now() - interval '1 hour');)");
  }

  static std::string endpoints(const TestPeer& at) {
    return R"({"list_accounts":")" + at.url("/accounts") + R"(","send_message":")" +
           at.url("/messages") + R"(","read_chat":")" + at.url("/chats/read") +
           R"(","update_message_text":")" + at.url("/messages/text") +
           R"(","update_message_status":")" + at.url("/messages/status") + R"(","app_disabled":")" +
           at.url("/app-disabled") + R"(","message_history":")" + at.url("/history") + R"("})";
  }

  // What the DeliveryReactor makes of the event, published as the reactor does; `copies` above 1
  // puts each job in the queue again, as the broker redelivers a job a node did not acknowledge.
  std::string publish(const std::string& stream, const std::string& type, const std::string& data,
                      int copies = 1) {
    eventstore::RecordedEvent e;
    e.stream_id = stream;
    e.type = type;
    e.data = data;
    e.event_id = commands::new_uuid();
    e.recorded_at = now_iso();
    std::vector<projections::OutboundMessage> jobs;
    for (auto& job : projections::messaging::DeliveryReactor::jobs_for(e, "")) {
      // Another message id, or the broker would take the copy for a republished job.
      for (int copy = 1; copy < copies; ++copy) {
        jobs.push_back({settings.subject, job.job_id + "/" + std::to_string(copy), job.payload});
      }
      jobs.push_back({settings.subject, std::move(job.job_id), std::move(job.payload)});
    }
    BOOST_REQUIRE(!jobs.empty());
    std::string error;
    BOOST_REQUIRE_MESSAGE(publisher->publish(jobs, error), error);
    return e.event_id;
  }

  // The connection's activation number `activation`, as the read model and the log have it.
  void activate(int activation) {
    db.exec("UPDATE messaging_connections SET updated_at = now(), activated_at = now()");
    publish("connection-t1/chatline", "ClientTokenActivated",
            R"({"tenant_id":"t1","provider_code":"chatline","app_id":"app-1",)"
            R"("token_sha256":"sha-of-token","token_sealed":"x","has_history":true,)"
            R"("activation":)" +
                std::to_string(activation) + "}");
  }

  std::string submit(const std::string& chat, const std::string& message,
                     const std::string& provider = "chatline", int copies = 1) {
    return publish("chat-t1/" + provider + "/" + chat, "MessageSubmitted",
                   R"({"tenant_id":"t1","provider_code":")" + provider + R"(","chat_id":")" + chat +
                       R"(","message_id":")" + message +
                       R"(","account_id":"main","user_id":"u-1","text":"text of )" + message +
                       R"(","format":"plain","entities":[],"attachments":[]})",
                   copies);
  }

  // The message ids the peer accepted (2xx), per chat, in the order it accepted them.
  std::map<std::string, std::vector<std::string>> accepted() const {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& r : peer.received()) {
      if (r.target != "/messages" || r.status != 200) continue;
      rapidjson::Document d;
      d.Parse(r.body.c_str());
      out[d["chat_id"].GetString()].push_back(d["message_id"].GetString());
    }
    return out;
  }

  // Three messages in each of ten chats, m<chat>-1 of every chat first.
  void submit_chat_rounds() {
    for (int i = 1; i <= 3; ++i) {
      for (int c = 0; c < 10; ++c) {
        submit("c-" + std::to_string(c), "m" + std::to_string(c) + "-" + std::to_string(i));
      }
    }
  }

  // Everything submit_chat_rounds() queued was recorded delivered, each chat's in order.
  void check_chat_rounds_in_order() {
    std::map<std::string, std::vector<std::string>> by_chat;
    for (const auto& [message, provider_id] : outcomes.delivered()) {
      by_chat[message.substr(0, message.find('-'))].push_back(message);
    }
    BOOST_TEST(by_chat.size() == 10u);
    for (const auto& [chat, messages] : by_chat) {
      BOOST_TEST(messages == (std::vector<std::string>{chat + "-1", chat + "-2", chat + "-3"}),
                 boost::test_tools::per_element());
    }
    BOOST_CHECK(eventually([&] { return queued() == 0; }));
  }

  // `ask` with a JetStream context of the test's connection.
  template <class Ask>
  auto with_js(Ask ask) const {
    jsCtx* js = nullptr;
    natsConnection_JetStream(&js, nats->raw(), nullptr);
    const auto answer = ask(js);
    jsCtx_Destroy(js);
    return answer;
  }

  // The stream sequence of the job published last.
  std::uint64_t last_seq() const {
    return with_js([&](jsCtx* js) {
      natsMsg* m = nullptr;
      std::uint64_t seq = 0;
      if (js_GetLastMsg(&m, js, settings.stream.c_str(), settings.subject.c_str(), nullptr,
                        nullptr) == NATS_OK) {
        seq = natsMsg_GetSequence(m);
        natsMsg_Destroy(m);
      }
      return seq;
    });
  }

  // When the broker made the consumer (it is made anew when jobs away for long must come first).
  std::int64_t consumer_created() const {
    return with_js([&](jsCtx* js) {
      jsConsumerInfo* info = nullptr;
      std::int64_t created = 0;
      if (js_GetConsumerInfo(&info, js, settings.stream.c_str(), settings.consumer.c_str(), nullptr,
                             nullptr) == NATS_OK) {
        created = info->Created;
        jsConsumerInfo_Destroy(info);
      }
      return created;
    });
  }

  natsStatus delete_job(std::uint64_t seq) const {
    return with_js([&](jsCtx* js) {
      return js_DeleteMsg(js, settings.stream.c_str(), seq, nullptr, nullptr);
    });
  }

  std::uint64_t queued() const {
    return with_js([&](jsCtx* js) {
      jsStreamInfo* info = nullptr;
      std::uint64_t n = 999;
      if (js_GetStreamInfo(&info, js, settings.stream.c_str(), nullptr, nullptr) == NATS_OK) {
        n = info->State.Msgs;
        jsStreamInfo_Destroy(info);
      }
      return n;
    });
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(lanes_are_delivered_once_in_order_after_the_provider_comes_back) {
  Fixture f;
  f.peer.mode(PeerMode::down);
  std::vector<std::string> job_ids;
  for (int i = 1; i <= 5; ++i) job_ids.push_back(f.submit("c-a", "a" + std::to_string(i)));
  for (int i = 1; i <= 3; ++i) f.submit("c-b", "b" + std::to_string(i));

  DeliveryWorker worker(*f.nats, f.outcomes, f.settings);
  worker.start();
  BOOST_REQUIRE(eventually([&] { return worker.owner(); }));
  // Down: the heads are retried (quick attempts, then as unavailable); nothing behind them moves.
  BOOST_REQUIRE(eventually([&] { return worker.metrics().retried >= 8; }));
  for (const auto& r : f.peer.received()) {
    BOOST_CHECK_MESSAGE(
        r.body.find("\"a1\"") != std::string::npos || r.body.find("\"b1\"") != std::string::npos,
        "only lane heads are tried while the provider is down: " << r.body);
  }
  BOOST_CHECK(f.outcomes.delivered().empty());

  f.peer.mode(PeerMode::normal);
  BOOST_REQUIRE(eventually([&] { return f.outcomes.delivered().size() == 8; }));
  const auto accepted = f.accepted();
  BOOST_CHECK((accepted.at("c-a") == std::vector<std::string>{"a1", "a2", "a3", "a4", "a5"}));
  BOOST_CHECK((accepted.at("c-b") == std::vector<std::string>{"b1", "b2", "b3"}));
  for (const auto& [message, provider_id] : f.outcomes.delivered()) {
    BOOST_CHECK_EQUAL(provider_id, "p-" + message);
  }
  // Every call: the token, the job id as the idempotency key, the tenant.
  const auto received = f.peer.received();
  for (const auto& r : received) {
    BOOST_CHECK_EQUAL(r.authorization, std::string("Bearer ") + token);
    BOOST_CHECK_EQUAL(r.tenant, "t1");
    BOOST_CHECK(r.method == "POST");
  }
  const auto first_a1 = std::find_if(received.begin(), received.end(), [](const Received& r) {
    return r.body.find("\"a1\"") != std::string::npos;
  });
  BOOST_REQUIRE(first_a1 != received.end());
  BOOST_CHECK_EQUAL(first_a1->idempotency_key, job_ids[0]);
  BOOST_CHECK(eventually([&] { return worker.metrics().delivered == 8; }));
  // Acknowledged work leaves the queue.
  BOOST_CHECK(eventually([&] { return f.queued() == 0; }));
  // The provider became unavailable for each lane head once: logged once each, not per retry.
  BOOST_CHECK_EQUAL(f.db.count("SELECT count(*) FROM error_log WHERE source = 'delivery'"
                               " AND problem ->> 'title' = 'provider unavailable'"),
                    2);
}

BOOST_AUTO_TEST_CASE(work_not_done_within_the_expiry_is_not_sent_expired) {
  Fixture f;
  f.settings.policy.expiry = 1500ms;
  DeliveryWorker worker(*f.nats, f.outcomes, f.settings);
  worker.start();
  // The expiry counts from the job's creation, and the worker's start (its consumer, the
  // ownership barrier) may take much of it on a loaded machine: the job comes once the worker
  // delivers, so the whole expiry is left for attempts.
  f.submit("c-warm", "m0");
  BOOST_REQUIRE(eventually([&] { return worker.metrics().delivered == 1; }));
  f.peer.mode(PeerMode::failing);
  const auto job_id = f.submit("c-a", "m1");
  BOOST_REQUIRE(eventually([&] { return f.outcomes.not_sent().size() == 1; }));
  const auto not_sent = f.outcomes.not_sent()[0];
  BOOST_CHECK_EQUAL(not_sent.job_id, job_id);
  BOOST_CHECK_EQUAL(not_sent.message_id, "m1");
  BOOST_CHECK_EQUAL(not_sent.reason, "expired");
  BOOST_CHECK_MESSAGE(not_sent.detail.find("503") != std::string::npos, not_sent.detail);
  const auto received = f.peer.received();
  BOOST_CHECK(std::ranges::count(received, job_id, &Received::idempotency_key) >= 3);
  BOOST_CHECK(eventually([&] { return worker.metrics().expired == 1; }));
  BOOST_CHECK_EQUAL(f.db.count("SELECT count(*) FROM error_log WHERE source = 'delivery'"
                               " AND tenant_id = 't1' AND provider_code = 'chatline'"
                               " AND status = 503 AND route = 'send_message'"
                               " AND request_id = '" +
                               job_id +
                               "'"
                               " AND problem ->> 'title' = 'not sent: expired'"),
                    1);
  BOOST_CHECK(eventually([&] { return f.queued() == 0; }));
}

BOOST_AUTO_TEST_CASE(a_4xx_is_not_sent_rejected_at_once_and_the_lane_moves_on) {
  Fixture f;
  f.peer.mode(PeerMode::refusing);
  DeliveryWorker worker(*f.nats, f.outcomes, f.settings);
  worker.start();
  const auto job_id = f.submit("c-a", "m1");
  BOOST_REQUIRE(eventually([&] { return f.outcomes.not_sent().size() == 1; }));
  const auto not_sent = f.outcomes.not_sent()[0];
  BOOST_CHECK_EQUAL(not_sent.reason, "rejected");
  BOOST_CHECK_MESSAGE(not_sent.detail.find("400") != std::string::npos &&
                          not_sent.detail.find("no such chat") != std::string::npos,
                      not_sent.detail);
  BOOST_CHECK_EQUAL(f.peer.received().size(), 1u);
  // Counted once the acknowledgement follows the recorded outcome.
  BOOST_CHECK(eventually([&] { return worker.metrics().rejected == 1; }));
  BOOST_CHECK_EQUAL(f.db.count("SELECT count(*) FROM error_log WHERE source = 'delivery'"
                               " AND status = 400 AND request_id = '" +
                               job_id + "'"),
                    1);
  f.peer.mode(PeerMode::normal);
  f.submit("c-a", "m2");
  BOOST_REQUIRE(eventually([&] { return f.outcomes.delivered().size() == 1; }));
  BOOST_CHECK_EQUAL(f.outcomes.delivered()[0].first, "m2");
}

BOOST_AUTO_TEST_CASE(a_job_redelivered_after_its_error_was_logged_is_not_logged_again) {
  Fixture f;
  f.peer.mode(PeerMode::refusing);
  // As when a node stops after logging the rejection but before acknowledging the job.
  const auto job_id = f.submit("c-a", "m1", "chatline", 2);
  DeliveryWorker worker(*f.nats, f.outcomes, f.settings);
  worker.start();
  BOOST_REQUIRE(eventually([&] { return worker.metrics().rejected == 2; }));
  BOOST_CHECK_EQUAL(f.peer.received().size(), 2u);
  BOOST_CHECK_EQUAL(f.db.count("SELECT count(*) FROM error_log WHERE source = 'delivery'"
                               " AND request_id = '" +
                               job_id + "'"),
                    1);
  // Another job's error is a row of its own.
  const auto other = f.submit("c-a", "m2");
  BOOST_REQUIRE(eventually([&] { return worker.metrics().rejected == 3; }));
  BOOST_CHECK_EQUAL(f.db.count("SELECT count(*) FROM error_log WHERE source = 'delivery'"
                               " AND request_id = '" +
                               other + "'"),
                    1);
}

BOOST_AUTO_TEST_CASE(a_stored_plain_http_endpoint_off_loopback_is_never_called) {
  Fixture f;
  // Stored before uploads had to name https off loopback: the rule holds at delivery too.
  f.db.exec(
      "UPDATE provider_configurations SET endpoints = jsonb_set(endpoints, '{send_message}',"
      " '\"http://provider.invalid/messages\"') WHERE provider_code = 'chatline'");
  DeliveryWorker worker(*f.nats, f.outcomes, f.settings);
  worker.start();
  const auto job_id = f.submit("c-a", "m1");
  // At once, not after the hour of retries a provider that is down gets (the expiry is 60 s).
  BOOST_REQUIRE(eventually([&] { return f.outcomes.not_sent().size() == 1; }, 10s));
  const auto not_sent = f.outcomes.not_sent()[0];
  BOOST_CHECK_EQUAL(not_sent.message_id, "m1");
  BOOST_CHECK_EQUAL(not_sent.reason, "insecure_endpoint");
  BOOST_CHECK_MESSAGE(not_sent.detail.find("http://provider.invalid/messages") != std::string::npos,
                      not_sent.detail);
  BOOST_CHECK(eventually([&] { return worker.metrics().rejected == 1; }));
  BOOST_CHECK_EQUAL(worker.metrics().retried.load(), 0u);
  BOOST_CHECK_EQUAL(
      f.db.count("SELECT count(*) FROM error_log WHERE source = 'delivery'"
                 " AND request_id = '" +
                 job_id + "' AND problem ->> 'title' = 'not sent: insecure_endpoint'"),
      1);
  BOOST_CHECK(eventually([&] { return f.queued() == 0; }));
  // The other endpoints, on loopback, are still called.
  f.publish("chat-t1/chatline/c-a", "ChatRead",
            R"({"tenant_id":"t1","provider_code":"chatline","chat_id":"c-a","account_id":"main",)"
            R"("source":"crm","user_id":"u-1","message_ids":["x"]})");
  BOOST_CHECK(eventually([&] {
    const auto received = f.peer.received();
    return std::any_of(received.begin(), received.end(),
                       [](const Received& r) { return r.target == "/chats/read"; });
  }));
  BOOST_CHECK(f.accepted().empty());
}

BOOST_AUTO_TEST_CASE(another_node_takes_over_mid_lane_without_loss_or_reordering) {
  Fixture f;
  f.peer.delay(150ms);
  for (int i = 1; i <= 10; ++i) f.submit("c-a", "m" + std::to_string(i));
  auto first = std::make_unique<DeliveryWorker>(*f.nats, f.outcomes, f.settings);
  first->start();
  BOOST_REQUIRE(eventually([&] { return first->owner(); }));
  DeliveryWorker second(*f.nats, f.outcomes, f.settings);
  second.start();
  BOOST_REQUIRE(eventually([&] { return f.outcomes.delivered().size() >= 3; }));
  // One node delivers: the other waits for the advisory lock.
  BOOST_CHECK(!second.owner());
  first.reset();  // stops mid-lane: the held jobs go back to the broker
  BOOST_REQUIRE(eventually([&] { return second.owner(); }));
  BOOST_REQUIRE(eventually([&] { return f.outcomes.delivered().size() == 10; }));
  std::vector<std::string> expected;
  for (int i = 1; i <= 10; ++i) expected.push_back("m" + std::to_string(i));
  BOOST_CHECK(f.accepted().at("c-a") == expected);
  BOOST_CHECK(eventually([&] { return f.queued() == 0; }));
}

BOOST_AUTO_TEST_CASE(a_restart_after_unacknowledged_work_redelivers_it) {
  Fixture f;
  // The provider answers, but the outcomes cannot be recorded: nothing may be acknowledged.
  f.outcomes.refuse(true);
  for (int i = 1; i <= 3; ++i) f.submit("c-a", "m" + std::to_string(i));
  {
    DeliveryWorker worker(*f.nats, f.outcomes, f.settings);
    worker.start();
    BOOST_REQUIRE(eventually([&] { return f.outcomes.calls() >= 3; }));
    // The answer is kept: recording is retried without calling the provider again.
    BOOST_CHECK_EQUAL(f.accepted()["c-a"].size(), 1u);
    BOOST_CHECK_EQUAL(worker.metrics().delivered, 0u);
  }
  BOOST_CHECK_EQUAL(f.queued(), 3u);
  f.outcomes.refuse(false);
  DeliveryWorker worker(*f.nats, f.outcomes, f.settings);
  worker.start();
  BOOST_REQUIRE(eventually([&] { return f.outcomes.delivered().size() == 3; }));
  const auto accepted = f.accepted().at("c-a");
  // m1 reached the provider twice (same Idempotency-Key), then m2 and m3 in order.
  BOOST_CHECK((accepted == std::vector<std::string>{"m1", "m1", "m2", "m3"}));
  BOOST_CHECK(eventually([&] { return f.queued() == 0; }));
}

BOOST_AUTO_TEST_CASE(a_connection_that_is_gone_is_never_called_but_told_it_is_disabled) {
  Fixture f;
  DeliveryWorker worker(*f.nats, f.outcomes, f.settings);
  worker.start();
  f.submit("c-a", "m1");
  BOOST_REQUIRE(eventually([&] { return f.outcomes.delivered().size() == 1; }));
  // Deactivated: work of the connection still in the queue (recorded before the deactivation,
  // as its row's updated_at says) is removed without a call, and its message is not sent.
  f.db.exec(
      "UPDATE messaging_connections SET active = false, reason = 'deactivated',"
      " updated_at = now() + interval '1 minute'");
  const auto job_id = f.submit("c-a", "m2");
  BOOST_REQUIRE(eventually([&] { return worker.metrics().dropped >= 1; }));
  const auto not_sent = f.outcomes.not_sent();
  BOOST_REQUIRE_EQUAL(not_sent.size(), 1u);
  BOOST_CHECK_EQUAL(not_sent[0].job_id, job_id);
  BOOST_CHECK_EQUAL(not_sent[0].message_id, "m2");
  BOOST_CHECK_EQUAL(not_sent[0].reason, "connection_deactivated");
  BOOST_CHECK_EQUAL(
      f.db.count("SELECT count(*) FROM error_log WHERE source = 'delivery'"
                 " AND tenant_id = 't1' AND route = 'send_message'"
                 " AND request_id = '" +
                 job_id + "' AND problem ->> 'title' = 'not sent: connection_deactivated'"),
      1);
  f.publish("connection-t1/chatline", "ClientTokenDeactivated",
            R"({"tenant_id":"t1","provider_code":"chatline","token_sha256":"sha-of-token",)"
            R"("reason":"deactivated"})");
  BOOST_REQUIRE(eventually([&] {
    for (const auto& r : f.peer.received()) {
      if (r.target == "/app-disabled" && r.status == 200) return true;
    }
    return false;
  }));
  for (const auto& r : f.peer.received()) {
    BOOST_CHECK_MESSAGE(r.body.find("\"m2\"") == std::string::npos,
                        "m2 reached the provider after the deactivation");
    if (r.target == "/app-disabled") {
      BOOST_CHECK_EQUAL(r.authorization, std::string("Bearer ") + token);
      BOOST_CHECK_EQUAL(r.body, R"({"tenant_id":"t1","reason":"deactivated"})");
    }
  }
  BOOST_CHECK_EQUAL(f.outcomes.not_sent().size(), 1u);
}

BOOST_AUTO_TEST_CASE(activation_lists_the_accounts_and_imports_every_history_page) {
  Fixture f;
  DeliveryWorker worker(*f.nats, f.outcomes, f.settings);
  worker.start();
  f.activate(2);
  BOOST_REQUIRE(eventually([&] { return worker.metrics().delivered == 1; }));
  BOOST_CHECK_EQUAL(f.outcomes.accounts(), 1u);
  BOOST_CHECK_EQUAL(f.outcomes.history(), 3u);
  std::vector<std::string> targets;
  for (const auto& r : f.peer.received()) targets.push_back(r.target);
  BOOST_CHECK(
      (targets == std::vector<std::string>{"/accounts", "/history", "/history?cursor=c%2F2"}));
  // The sync's outcome comes last, once, for the activation the job was made for.
  const auto syncs = f.outcomes.syncs();
  BOOST_REQUIRE_EQUAL(syncs.size(), 1u);
  BOOST_CHECK_EQUAL(syncs[0].activation, 2);
  BOOST_CHECK_EQUAL(syncs[0].reason, "");
  BOOST_CHECK_EQUAL(syncs[0].accounts, 1u);
  BOOST_CHECK_EQUAL(syncs[0].chats, 3u);
  // The app is removed for the tenant: the command deactivates the connection.
  f.publish("tenant-t1", "AppRemoved",
            R"({"app_id":"app-1","provider_code":"chatline","app_version":"1.0",)"
            R"("configuration_version":1,"reason":"removed"})");
  BOOST_REQUIRE(eventually([&] { return f.outcomes.removed().size() == 1; }));
  BOOST_CHECK_EQUAL(f.outcomes.removed()[0], "app_removed");
}

BOOST_AUTO_TEST_CASE(a_sync_whose_list_accounts_is_refused_fails_naming_the_answer) {
  Fixture f;
  f.peer.mode(PeerMode::refusing);
  DeliveryWorker worker(*f.nats, f.outcomes, f.settings);
  worker.start();
  f.activate(1);
  BOOST_REQUIRE(eventually([&] { return worker.metrics().rejected == 1; }));
  const auto syncs = f.outcomes.syncs();
  BOOST_REQUIRE_EQUAL(syncs.size(), 1u);
  BOOST_CHECK_EQUAL(syncs[0].activation, 1);
  BOOST_CHECK_EQUAL(syncs[0].reason, "rejected");
  BOOST_CHECK_MESSAGE(syncs[0].detail.find("list_accounts answered 400") != std::string::npos &&
                          syncs[0].detail.find("no such chat") != std::string::npos,
                      syncs[0].detail);
  BOOST_CHECK_EQUAL(syncs[0].accounts, 0u);
  // Once, and not as a message not sent: a sync has no message or author.
  BOOST_CHECK(f.outcomes.not_sent().empty());
  BOOST_CHECK_EQUAL(f.peer.received().size(), 1u);
}

BOOST_AUTO_TEST_CASE(a_crashed_owners_jobs_come_back_before_newer_work_of_their_lane) {
  Fixture f;
  f.peer.delay(100ms);
  for (int i = 1; i <= 6; ++i) f.submit("c-a", "m" + std::to_string(i));
  std::string error;
  auto crashing_nats = api::nats::NatsClient::connect(tests::nats_url(), error);
  BOOST_REQUIRE_MESSAGE(crashing_nats, error);
  auto crashing = std::make_unique<DeliveryWorker>(*crashing_nats, f.outcomes, f.settings);
  crashing->start();
  BOOST_REQUIRE(eventually([&] { return f.outcomes.delivered().size() >= 2; }));
  // The owner's broker connection dies with it: it can neither acknowledge nor hand back, so
  // the broker gets its jobs back only when their ack wait runs out.
  natsConnection_Close(crashing_nats->raw());
  crashing.reset();
  // Newer work of the same lane, already there for the next owner to fetch.
  f.submit("c-a", "m7");
  f.submit("c-a", "m8");
  DeliveryWorker next(*f.nats, f.outcomes, f.settings);
  next.start();
  BOOST_REQUIRE(eventually([&] { return next.owner(); }));
  BOOST_REQUIRE(eventually(
      [&] {
        std::set<std::string> distinct;
        for (const auto& [message, id] : f.outcomes.delivered()) distinct.insert(message);
        return distinct.size() == 8;
      },
      30s));
  // At least once: a job the crashed owner finished but could not acknowledge goes again (same
  // Idempotency-Key, which the provider ignores); first arrivals keep the lane's order.
  const auto received = f.accepted().at("c-a");
  std::vector<std::string> accepted;
  for (const auto& m : received) {
    if (std::find(accepted.begin(), accepted.end(), m) == accepted.end()) accepted.push_back(m);
  }
  std::vector<std::string> expected;
  for (int i = 1; i <= 8; ++i) expected.push_back("m" + std::to_string(i));
  BOOST_CHECK_MESSAGE(accepted == expected, [&] {
    std::string s;
    for (const auto& m : received) s += m + " ";
    return s;
  }());
  BOOST_CHECK(eventually([&] { return f.queued() == 0; }));
}

BOOST_AUTO_TEST_CASE(a_provider_that_never_answers_in_time_does_not_hold_up_another) {
  Fixture f;
  TestPeer quick;
  f.bind("quickline", "app-2", "sha-of-quickline-token", quick);
  f.settings.concurrency = 4;
  f.settings.provider_concurrency = 2;
  // chatline's backlog is larger than the whole hold, and queued before quickline's work.
  f.settings.max_held = 30;
  // Every call to chatline hangs beyond the request timeout (1 s).
  f.peer.delay(3s);
  for (int c = 0; c < 30; ++c) {
    for (int i = 1; i <= 2; ++i) {
      f.submit("c-" + std::to_string(c), "a" + std::to_string(c) + "-" + std::to_string(i));
    }
  }
  for (int c = 0; c < 5; ++c)
    f.submit("q-" + std::to_string(c), "q" + std::to_string(c), "quickline");

  DeliveryWorker worker(*f.nats, f.outcomes, f.settings);
  worker.start();
  BOOST_REQUIRE(eventually([&] { return worker.owner(); }));
  const auto started = std::chrono::steady_clock::now();
  const auto quick_delivered = [&] {
    return std::ranges::count_if(f.outcomes.delivered(),
                                 [](const auto& d) { return d.first.starts_with("q"); });
  };
  // Fetched past chatline's backlog and sent beside its hanging calls: not after their timeouts.
  BOOST_REQUIRE(eventually([&] { return quick_delivered() == 5; }, 10s));
  const auto waited = std::chrono::steady_clock::now() - started;
  BOOST_TEST(waited < 5s, "quickline waited " << waited.count() / 1'000'000 << " ms");
  BOOST_TEST(worker.metrics().deferred > 0u);
  BOOST_TEST(quick.received().size() == 5u);

  // chatline answers again: all of its work arrives, each chat's in order, recorded once.
  f.peer.delay(0ms);
  BOOST_REQUIRE(eventually([&] { return f.outcomes.delivered().size() == 65; }, 40s));
  std::map<std::string, std::vector<std::string>> by_chat;
  for (const auto& [message, provider_id] : f.outcomes.delivered()) {
    if (message.starts_with("a")) by_chat[message.substr(0, message.find('-'))].push_back(message);
  }
  BOOST_TEST(by_chat.size() == 30u);
  for (const auto& [chat, messages] : by_chat) {
    BOOST_TEST(messages == (std::vector<std::string>{chat + "-1", chat + "-2"}),
               boost::test_tools::per_element());
  }
  BOOST_TEST(f.outcomes.not_sent().empty());
  BOOST_CHECK(eventually([&] { return f.queued() == 0; }));
}

BOOST_AUTO_TEST_CASE(jobs_given_back_to_the_broker_keep_their_chat_order_across_a_handover) {
  Fixture f;
  f.settings.max_held = 10;
  f.peer.mode(PeerMode::failing);
  f.submit_chat_rounds();
  {
    // The first node holds ten jobs (503s: retried) and gives the other twenty back for a while.
    DeliveryWorker first(*f.nats, f.outcomes, f.settings);
    first.start();
    BOOST_REQUIRE(eventually([&] { return first.metrics().deferred >= 20u; }));
    BOOST_REQUIRE(eventually([&] { return first.metrics().retried >= 10u; }));
    first.stop();
  }
  BOOST_TEST(f.outcomes.delivered().empty());
  f.peer.mode(PeerMode::normal);
  DeliveryWorker second(*f.nats, f.outcomes, f.settings);
  second.start();
  BOOST_REQUIRE(eventually([&] { return f.outcomes.delivered().size() == 30; }, 30s));
  f.check_chat_rounds_in_order();
}

BOOST_AUTO_TEST_CASE(a_chat_goes_on_when_its_job_given_back_is_gone_from_the_stream) {
  Fixture f;
  f.settings.max_held = 4;
  f.peer.mode(PeerMode::failing);
  for (int c = 0; c < 4; ++c) f.submit("c-" + std::to_string(c), "m" + std::to_string(c));
  DeliveryWorker worker(*f.nats, f.outcomes, f.settings);
  worker.start();
  // The hold is full of chatline's four 503s: x1 goes back to the broker for a while...
  BOOST_REQUIRE(eventually([&] { return worker.metrics().retried >= 4u; }));
  f.submit("c-x", "x1");
  const auto x1 = f.last_seq();
  BOOST_REQUIRE(eventually([&] { return worker.metrics().deferred >= 1u; }));
  // ...and the broker loses it meanwhile (an operator deletes it, a purge, a max age).
  BOOST_REQUIRE_EQUAL(f.delete_job(x1), NATS_OK);
  f.peer.mode(PeerMode::normal);
  f.submit("c-x", "x2");
  // x2 does not wait for x1 for ever: the worker finds x1 gone and the chat goes on.
  BOOST_REQUIRE(eventually([&] { return f.outcomes.delivered().size() == 5; }, 30s));
  BOOST_CHECK((f.accepted().at("c-x") == std::vector<std::string>{"x2"}));
  BOOST_CHECK(eventually([&] { return f.queued() == 0; }));
}

BOOST_AUTO_TEST_CASE(jobs_given_back_for_long_come_first_after_a_crashed_owner) {
  Fixture f;
  f.settings.max_held = 10;
  // Far longer than the next owner's barrier (the ack wait and 2 s) or this test.
  f.settings.max_defer_delay = 120s;
  f.peer.mode(PeerMode::failing);
  f.submit_chat_rounds();
  std::string error;
  auto crashing_nats = api::nats::NatsClient::connect(tests::nats_url(), error);
  BOOST_REQUIRE_MESSAGE(crashing_nats, error);
  {
    DeliveryWorker first(*crashing_nats, f.outcomes, f.settings);
    first.start();
    // Twenty jobs given back four times each: 1.5 s, 3 s, 6 s, then 12 s away.
    BOOST_REQUIRE(eventually([&] { return first.metrics().deferred >= 80u; }, 30s));
    natsConnection_Close(crashing_nats->raw());
  }
  const auto created = f.consumer_created();
  BOOST_TEST(f.outcomes.delivered().empty());
  f.peer.mode(PeerMode::normal);
  DeliveryWorker second(*f.nats, f.outcomes, f.settings);
  second.start();
  // The barrier does not see the jobs away for long come back: the consumer is made anew and
  // delivers every job still queued from the oldest.
  BOOST_REQUIRE(eventually([&] { return f.outcomes.delivered().size() == 30; }, 30s));
  BOOST_TEST(f.consumer_created() != created);
  f.check_chat_rounds_in_order();
}

// Not a timing assertion: prints how often a stuck provider's backlog is fetched again with a
// fixed delay (as before the backoff: max_defer_delay at the base) and with the backoff.
BOOST_AUTO_TEST_CASE(a_stuck_providers_backlog_is_fetched_ever_less_often) {
  constexpr int jobs = 1'000;
  constexpr int held = 50;
  const auto fetches_per_second = [&](std::chrono::milliseconds max_defer_delay) {
    Fixture f;
    f.settings.max_held = held;
    f.settings.ack_wait = 2s;  // given back for 1 s the first time
    f.settings.max_defer_delay = max_defer_delay;
    f.peer.mode(PeerMode::failing);
    for (int c = 0; c < jobs; ++c) f.submit("c-" + std::to_string(c), "m" + std::to_string(c));
    DeliveryWorker worker(*f.nats, f.outcomes, f.settings);
    worker.start();
    BOOST_REQUIRE(eventually([&] { return worker.metrics().deferred >= jobs - held; }));
    // Past the backoff's ramp (1 + 2 + 4 s), then counted for as long.
    std::this_thread::sleep_for(7s);
    const auto before = worker.metrics().deferred.load();
    std::this_thread::sleep_for(8s);
    const double rate = static_cast<double>(worker.metrics().deferred - before) / 8.0;
    // Once the provider answers, its jobs come back as soon as the first time: the backlog goes.
    f.peer.mode(PeerMode::normal);
    BOOST_REQUIRE(eventually([&] { return f.outcomes.delivered().size() == jobs; }, 60s));
    BOOST_TEST(f.outcomes.not_sent().empty());
    return rate;
  };
  const auto fixed = fetches_per_second(1s);
  const auto backoff = fetches_per_second(8s);
  std::printf(
      "a stuck provider's %d jobs beyond the hold, fetched again: %.1f/s with a fixed 1 s "
      "delay, %.1f/s with the backoff up to 8 s\n",
      jobs - held, fixed, backoff);
}

BOOST_AUTO_TEST_CASE(a_notice_push_goes_to_the_developers_webhook_as_it_is_when_called) {
  Fixture f;
  f.db.exec(
      "INSERT INTO notice_webhooks (developer_id, url, secret_sealed, registered_at)"
      " VALUES ('dev-1', '" +
      f.peer.url("/notices") + "', '" + api::crypto::seal("sbw_secret", secret_key) + "', now())");
  DeliveryWorker worker(*f.nats, f.outcomes, f.settings);
  worker.start();
  const auto push = [&](const std::string& change_event_id) {
    const std::string body = R"({"notice_id":"n-1","change":"published"})";
    const std::string job = R"({"job_id":")" + change_event_id +
                            R"(/chatline","kind":"notice_push",)"
                            R"("provider_code":"chatline","lane":"notices/dev-1","created_at":")" +
                            now_iso() +
                            R"(","developer_id":"dev-1","notice_id":"n-1","change_event_id":")" +
                            change_event_id + R"(","body":)" + body + "}";
    std::string error;
    BOOST_REQUIRE_MESSAGE(
        f.publisher->publish({{f.settings.subject, change_event_id + "/chatline", job}}, error),
        error);
    return body;
  };
  const auto body = push("e-1");
  BOOST_REQUIRE(eventually([&] { return f.outcomes.pushed().size() == 1; }));
  BOOST_CHECK_EQUAL(f.outcomes.pushed()[0], "");  // delivered
  const auto received = f.peer.received();
  BOOST_REQUIRE_EQUAL(received.size(), 1u);
  BOOST_CHECK_EQUAL(received[0].method, "POST");
  BOOST_CHECK_EQUAL(received[0].target, "/notices");
  BOOST_CHECK_EQUAL(received[0].body, body);
  BOOST_CHECK_EQUAL(received[0].idempotency_key, "e-1/chatline");
  // Signed, never carrying the secret (nor any token).
  BOOST_CHECK(received[0].authorization.empty());

  // Removed since the change was queued: given up without a call.
  f.db.exec("DELETE FROM notice_webhooks");
  push("e-2");
  BOOST_REQUIRE(eventually([&] { return f.outcomes.pushed().size() == 2; }));
  BOOST_CHECK_EQUAL(f.outcomes.pushed()[1], "webhook_removed");
  BOOST_CHECK_EQUAL(f.peer.received().size(), 1u);
  // In the error log as the provider's developer's, in a push's words, with no tenant.
  BOOST_CHECK(eventually([&] {
    return f.db.count(
               "SELECT count(*) FROM error_log WHERE source = 'delivery'"
               " AND request_id = 'e-2/chatline' AND tenant_id IS NULL"
               " AND provider_code = 'chatline' AND route = 'notice_webhook'"
               " AND problem ->> 'title' = 'not pushed: webhook_removed'"
               " AND problem ->> 'developer_id' = 'dev-1'") == 1;
  }));
}
