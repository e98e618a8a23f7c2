// A reactor publishes to a real JetStream with Nats-Msg-Id = event id: replaying the log after a
// crash republishes, and the broker keeps each message once.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <pqxx/pqxx>

#include "api/nats/nats_client.hpp"
#include "commands/command_context.hpp"
#include "eventstore/event_store.hpp"
#include "projections/reactor.hpp"
#include "projections/runner.hpp"
#include "tests/support/test_database.hpp"

using namespace switchboard;
using namespace std::chrono_literals;

namespace {

class EchoReactor final : public projections::Reactor {
 public:
  EchoReactor(std::shared_ptr<projections::Publisher> publisher, std::string subject)
      : Reactor(std::move(publisher)), subject_(std::move(subject)) {}
  std::string name() const override { return "echo"; }

 protected:
  std::vector<projections::OutboundMessage> react(pqxx::transaction_base&,
                                                  const eventstore::RecordedEvent& e) override {
    if (e.type != "Outbound") return {};
    return {{subject_, e.event_id, e.data}};
  }

 private:
  std::string subject_;
};

std::uint64_t stream_messages(api::nats::NatsClient& client, const std::string& stream) {
  jsCtx* js = nullptr;
  BOOST_REQUIRE(natsConnection_JetStream(&js, client.raw(), nullptr) == NATS_OK);
  jsStreamInfo* info = nullptr;
  BOOST_REQUIRE(js_GetStreamInfo(&info, js, stream.c_str(), nullptr, nullptr) == NATS_OK);
  const auto n = info->State.Msgs;
  jsStreamInfo_Destroy(info);
  jsCtx_Destroy(js);
  return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(republishing_after_a_crash_stores_each_message_once) {
  tests::TestDatabase db;
  std::string error;
  auto client = api::nats::NatsClient::connect(tests::nats_url(), error);
  BOOST_REQUIRE_MESSAGE(client, error);
  const std::string stream = "TEST_" + db.name();
  const std::string subject = "test." + db.name() + ".out";
  BOOST_REQUIRE_MESSAGE(client->ensure_stream(stream, {subject}, 2min, error), error);

  eventstore::EventStore store({.database_url = db.app_url()});
  for (int i = 0; i < 120; ++i) {
    eventstore::AppendRequest r;
    r.stream_id = "chat-" + std::to_string(i % 7);
    r.category = "chat";
    r.events.push_back({commands::new_uuid(),
                        i % 4 == 0 ? "Ignored" : "Outbound",
                        R"({"n":)" + std::to_string(i) + "}",
                        {}});
    BOOST_REQUIRE(store.append(r).succeeded());
  }

  auto publisher = std::make_shared<api::nats::JetStreamPublisher>(*client, 5s);
  auto run = [&] {
    projections::ProjectionRunner runner(
        store, {std::make_shared<EchoReactor>(publisher, subject)},
        {.database_url = db.app_url(), .batch_size = 25, .poll_interval = 100ms});
    runner.start();
    BOOST_REQUIRE(runner.wait_caught_up(30s));
  };
  run();
  BOOST_CHECK_EQUAL(stream_messages(*client, stream), 90u);

  // As if the process died before its checkpoint moved: the whole log is published again.
  db.exec("DELETE FROM projection_checkpoints WHERE name = 'echo'");
  run();
  BOOST_CHECK_EQUAL(stream_messages(*client, stream), 90u);
}
