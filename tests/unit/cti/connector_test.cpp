// The CTI connector's lifetime: a call queued while it does not run (before start, after stop)
// goes with it. Such a call used to hold the connector's state, which holds the queue: a cycle
// that kept both, and every callback in the queue, alive for good (LeakSanitizer's report at
// exit).

#include "api/cti/connector.hpp"

#include <boost/test/unit_test.hpp>
#include <memory>

using switchboard::api::cti::Connector;
using switchboard::api::cti::ConnectorOptions;
using switchboard::api::cti::Reply;

namespace {

// Nothing listens on port 1 of the loopback: a started connector keeps reconnecting.
const ConnectorOptions nowhere{.url = "ws://127.0.0.1:1/"};

void no_events(const std::string&, std::string) {}

// Queues one of each call, their callbacks holding `held`.
void queue_calls(Connector& c, const std::shared_ptr<int>& held) {
  c.attach("op1", [held](Reply) {});
  c.send(c.next_rid(), R"({"name":"GetCalls"})", [held](Reply) {});
  c.detach("op2");
  c.reconcile({"op1"}, std::chrono::seconds{10});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cti_connector)

BOOST_AUTO_TEST_CASE(calls_queued_before_start_go_with_the_connector) {
  const auto held = std::make_shared<int>(0);
  {
    Connector c{nowhere, no_events};
    queue_calls(c, held);
    BOOST_TEST(held.use_count() > 1);
  }
  BOOST_TEST(held.use_count() == 1);
}

BOOST_AUTO_TEST_CASE(calls_queued_after_stop_go_with_the_connector) {
  const auto held = std::make_shared<int>(0);
  {
    Connector c{nowhere, no_events};
    c.start();
    c.stop();
    queue_calls(c, held);
  }
  BOOST_TEST(held.use_count() == 1);
}

BOOST_AUTO_TEST_CASE(a_running_connector_answers_what_it_cannot_send_and_lets_go) {
  const auto held = std::make_shared<int>(0);
  int answered = 0;
  {
    Connector c{nowhere, no_events};
    c.start();
    c.send(c.next_rid(), R"({"name":"GetCalls"})", [held, &answered](Reply reply) {
      if (reply.status == Reply::Status::unavailable) ++answered;
    });
    c.stop();
  }
  BOOST_TEST(answered == 1);
  BOOST_TEST(held.use_count() == 1);
}

BOOST_AUTO_TEST_SUITE_END()
