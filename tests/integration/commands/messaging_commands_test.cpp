// Messaging commands on two nodes sharing one store: a chat command checks its connection on a
// cached state of bounded age, and a refusal decided on it is checked against the store's.
#include "commands/messaging/messaging_commands.hpp"

#include <boost/test/unit_test.hpp>

#include "tests/support/test_database.hpp"

using namespace switchboard;
namespace dm = domain::messaging;
using Outcome = commands::CommandOutcome;

namespace {

commands::CommandContext context() {
  return {.tenant = "t1",
          .actor = "tester",
          .correlation_id = commands::new_uuid(),
          .causation_id = {},
          .command_id = commands::new_uuid(),
          .idempotency_key = std::nullopt};
}

dm::ReceiveMessage message(const std::string& provider_message_id) {
  dm::ReceiveMessage m;
  m.tenant_id = "t1";
  m.provider_code = "chatline";
  m.chat = {"c-1", "private", "Olga", {{"olga", "Olga"}}};
  m.provider_message_id = provider_message_id;
  m.sender = {"olga", "Olga"};
  m.body.text = "hello";
  return m;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_refusal_on_a_cached_connection_is_checked_against_the_store) {
  tests::TestDatabase db;
  eventstore::EventStore store({.database_url = db.app_url()});
  commands::messaging::MessagingCommands node_a(store), node_b(store, std::chrono::hours(1));

  // node_b caches the connection before it is active, and refuses rightly.
  auto refused = node_b.on_chat("t1", "chatline", "c-1", message("m-1"), context(), "m-1");
  BOOST_REQUIRE(refused.status == Outcome::Status::rejected);
  BOOST_CHECK_EQUAL(refused.rejection.field, "provider_code");

  const dm::ActivateToken activate{"t1",     "chatline", "app-1", std::string(64, 'a'),
                                   "sealed", false};
  BOOST_REQUIRE(node_a.activate_token(activate, context(), "activate").ok());

  // node_b's cached connection is still inactive (and may stay so for an hour here): the message
  // is accepted all the same.
  auto accepted = node_b.on_chat("t1", "chatline", "c-1", message("m-1"), context(), "m-1");
  BOOST_CHECK(accepted.status == Outcome::Status::accepted);
  BOOST_CHECK_EQUAL(accepted.events.size(), 2u);  // ChatStarted, MessageReceived
}
