// The message id of an inbound message is derived, so a repeated provider message maps to it.
#include <boost/test/unit_test.hpp>
#include <regex>

#include "commands/messaging/messaging_commands.hpp"

using switchboard::commands::messaging::MessagingCommands;

BOOST_AUTO_TEST_CASE(inbound_message_ids_are_stable_uuids) {
  const auto id = MessagingCommands::inbound_message_id("t1", "chatline", "c1", "p1");
  BOOST_CHECK(std::regex_match(
      id, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
  BOOST_CHECK_EQUAL(id, MessagingCommands::inbound_message_id("t1", "chatline", "c1", "p1"));
  BOOST_CHECK_NE(id, MessagingCommands::inbound_message_id("t2", "chatline", "c1", "p1"));
  BOOST_CHECK_NE(id, MessagingCommands::inbound_message_id("t1", "other", "c1", "p1"));
  BOOST_CHECK_NE(id, MessagingCommands::inbound_message_id("t1", "chatline", "c2", "p1"));
  BOOST_CHECK_NE(id, MessagingCommands::inbound_message_id("t1", "chatline", "c1", "p2"));
  // Parts do not run into each other.
  BOOST_CHECK_NE(MessagingCommands::inbound_message_id("t1", "chat", "linec1", "p1"),
                 MessagingCommands::inbound_message_id("t1", "chatline", "c1", "p1"));
}
