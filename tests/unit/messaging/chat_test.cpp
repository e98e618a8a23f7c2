// Chats and their messages: the rules of docs/messaging.md as pure functions.
#include "domain/messaging/chat.hpp"

#include <boost/test/unit_test.hpp>

#include "domain/json.hpp"

using namespace switchboard::domain;
using namespace switchboard::domain::messaging;

namespace {

Connection::State connection() {
  Connection::State c;
  c.active = true;
  c.tenant_id = "t1";
  c.provider_code = "chatline";
  c.accounts["main"] = {"chatline", "", true, true};
  c.accounts["tg-1"] = {"telegram", "bot", false, true};
  c.accounts["old"] = {"telegram", "old bot", false, false};
  return c;
}

template <class Command, class... Context>
std::vector<NewEvent> record(Chat::State& s, const Command& c, const Context&... context) {
  auto d = decide(s, c, context...);
  if (const auto* r = std::get_if<Rejection>(&d)) BOOST_FAIL("refused: " << r->message);
  auto events = std::get<std::vector<NewEvent>>(d);
  for (const auto& e : events) Chat::apply(s, e.type, e.data);
  return events;
}

template <class Command, class... Context>
Rejection refused(const Chat::State& s, const Command& c, const Context&... context) {
  auto d = decide(s, c, context...);
  BOOST_REQUIRE(std::holds_alternative<Rejection>(d));
  return std::get<Rejection>(d);
}

std::vector<std::string> types(const std::vector<NewEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.type);
  return out;
}

std::vector<std::string> strings(const rapidjson::Value& d, const char* key) {
  std::vector<std::string> out;
  for (const auto& v : d[key].GetArray()) out.emplace_back(v.GetString());
  return out;
}

ReceiveMessage inbound(const std::string& provider_message_id, const std::string& text = "hi") {
  ReceiveMessage m;
  m.tenant_id = "t1";
  m.provider_code = "chatline";
  m.chat = {"c1", "private", "Ann", {{"u1", "Ann"}}};
  m.account_id = "tg-1";
  m.provider_message_id = provider_message_id;
  m.sender = {"u1", "Ann"};
  m.body.text = text;
  m.sent_at = "2024-05-01T12:00:00Z";
  m.message_id = "in-" + provider_message_id;
  return m;
}

Chat::State started() {
  Chat::State s;
  record(s, inbound("p1"), connection());
  return s;
}

// A chat with an outbound message "out-1" by user "u-crm".
Chat::State with_outbound() {
  auto s = started();
  record(s, SubmitMessage{"out-1", "u-crm", {"hello"}, ""}, connection());
  return s;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_first_message_starts_the_chat) {
  Chat::State s;
  const auto events = record(s, inbound("p1"), connection());
  BOOST_CHECK(types(events) == (std::vector<std::string>{"ChatStarted", "MessageReceived"}));
  const auto started = parse(events[0].data);
  BOOST_CHECK_EQUAL(text(started, "tenant_id"), "t1");
  BOOST_CHECK_EQUAL(text(started, "provider_code"), "chatline");
  BOOST_CHECK_EQUAL(text(started, "chat_id"), "c1");
  BOOST_CHECK_EQUAL(text(started, "account_id"), "tg-1");
  BOOST_CHECK_EQUAL(text(started, "kind"), "private");
  const auto received = parse(events[1].data);
  BOOST_CHECK_EQUAL(text(received, "message_id"), "in-p1");
  BOOST_CHECK_EQUAL(text(received, "provider_message_id"), "p1");
  BOOST_CHECK_EQUAL(text(received, "chat_id"), "c1");
  BOOST_CHECK_EQUAL(text(received, "text"), "hi");
  BOOST_CHECK_EQUAL(text(received, "format"), "plain");
  BOOST_CHECK_EQUAL(text(received, "sent_at"), "2024-05-01T12:00:00Z");
  BOOST_CHECK_EQUAL(text(received["sender"], "id"), "u1");
  BOOST_CHECK(received["attachments"].IsArray());
  BOOST_CHECK(!flag(received, "silent"));
  BOOST_CHECK(s.started);
  BOOST_CHECK_EQUAL(s.account_id, "tg-1");
  const auto& m = s.messages.at("in-p1");
  BOOST_CHECK_EQUAL(m.direction, "inbound");
  BOOST_CHECK(!m.seen);
  BOOST_CHECK_EQUAL(s.find("p1"), &m);
}

BOOST_AUTO_TEST_CASE(a_group_chat_starts_with_all_its_participants) {
  auto m = inbound("p1");
  m.chat = {"g1", "group", "Team", {{"u3", "Cid"}, {"u1", "Ann"}, {"u2", "Bob"}}};
  m.sender = {"u4", "Dan"};  // not listed: still a participant
  Chat::State s;
  const auto events = record(s, m, connection());
  const auto d = parse(events[0].data);
  BOOST_CHECK_EQUAL(text(d, "kind"), "group");
  BOOST_CHECK_EQUAL(text(d, "title"), "Team");
  BOOST_CHECK_EQUAL(d["participants"].Size(), 4u);
  std::vector<std::string> ids;
  for (const auto& p : s.participants) ids.push_back(p.id);
  BOOST_CHECK(ids == (std::vector<std::string>{"u1", "u2", "u3", "u4"}));
  BOOST_CHECK_EQUAL(s.participants[1].name, "Bob");
}

BOOST_AUTO_TEST_CASE(a_repeated_provider_message_records_nothing) {
  auto s = started();
  BOOST_CHECK(record(s, inbound("p1", "changed"), connection()).empty());
  auto same_id = inbound("p1");
  same_id.message_id = "in-p1";
  BOOST_CHECK(record(s, same_id, connection()).empty());
  BOOST_CHECK_EQUAL(s.messages.size(), 1u);
}

BOOST_AUTO_TEST_CASE(a_message_for_a_known_chat_adds_new_participants_and_keeps_the_others) {
  auto s = started();
  auto m = inbound("p2");
  m.chat.participants = {{"u2", "Bob"}};
  m.sender = {"u2", "Bob"};
  const auto events = record(s, m, connection());
  BOOST_CHECK(types(events) == (std::vector<std::string>{"ChatEdited", "MessageReceived"}));
  const auto d = parse(events[0].data);
  BOOST_CHECK_EQUAL(d["participants_added"].Size(), 1u);
  BOOST_CHECK_EQUAL(text(d["participants_added"][0], "id"), "u2");
  BOOST_CHECK_EQUAL(d["participants_removed"].Size(), 0u);
  BOOST_CHECK(!d.HasMember("title"));
  BOOST_CHECK_EQUAL(s.participants.size(), 2u);  // u1 is not removed by omission
  // Nothing new about the chat: the message alone.
  BOOST_CHECK(types(record(s, inbound("p3"), connection())) ==
              std::vector<std::string>{"MessageReceived"});
}

BOOST_AUTO_TEST_CASE(a_message_for_a_known_chat_keeps_its_account_and_kind) {
  auto s = started();
  auto m = inbound("p2");
  m.account_id = "";  // the main account
  m.chat.kind = "group";
  const auto events = record(s, m, connection());
  BOOST_CHECK_EQUAL(text(parse(events.back().data), "account_id"), "tg-1");
  BOOST_CHECK_EQUAL(s.kind, "private");
}

BOOST_AUTO_TEST_CASE(receiving_needs_a_connected_account) {
  Chat::State s;
  auto m = inbound("p1");
  m.account_id = "old";
  BOOST_CHECK_EQUAL(refused(s, m, connection()).field, "account_id");
  m.account_id = "unknown";
  BOOST_CHECK(refused(s, m, connection()).kind == Rejection::Kind::not_found);
  m.account_id = "";
  BOOST_CHECK_EQUAL(record(s, m, connection()).size(), 2u);
  BOOST_CHECK_EQUAL(s.account_id, "main");
}

BOOST_AUTO_TEST_CASE(a_chat_whose_account_was_disconnected_takes_no_messages) {
  auto s = started();  // on tg-1
  auto c = connection();
  c.accounts["tg-1"].active = false;
  // Neither the main account (no account_id) nor the chat's own account lets a message in.
  for (const std::string account : {"", "main", "tg-1"}) {
    auto m = inbound("p2");
    m.account_id = account;
    const auto r = refused(s, m, c);
    BOOST_CHECK(r.kind == Rejection::Kind::not_found);
    BOOST_CHECK_EQUAL(r.field, "account_id");
  }
  // A repeat of a message already recorded still answers with it.
  BOOST_CHECK(std::get<std::vector<NewEvent>>(decide(s, inbound("p1"), c)).empty());
}

BOOST_AUTO_TEST_CASE(received_messages_are_validated) {
  auto m = inbound("p1", "");
  m.chat.id = "";
  m.sender.id = "";
  m.sent_at = "yesterday";
  const auto r = refused(Chat::State{}, m, connection());
  BOOST_CHECK(r.kind == Rejection::Kind::invalid);
  std::vector<std::string> fields;
  for (const auto& p : r.problems) fields.push_back(p.field);
  BOOST_CHECK(fields == (std::vector<std::string>{"/chat/id", "/sender/id", "/text", "/sent_at"}));
  m = inbound("p1");
  m.sent_at = "2024-05-01T12:00:00.123+03:00";
  Chat::State fresh;
  BOOST_CHECK_EQUAL(record(fresh, m, connection()).size(), 2u);
}

BOOST_AUTO_TEST_CASE(silent_history_is_seen_at_once) {
  Chat::State s;
  auto m = inbound("p1");
  m.silent = true;
  const auto events = record(s, m, connection());
  BOOST_CHECK(flag(parse(events.back().data), "silent"));
  BOOST_CHECK(s.messages.at("in-p1").seen);
  BOOST_CHECK(record(s, MarkChatRead{"provider", ""}).empty());
}

BOOST_AUTO_TEST_CASE(submitting_writes_from_the_chats_account) {
  auto s = started();
  BOOST_CHECK_EQUAL(
      refused(Chat::State{}, SubmitMessage{"out-1", "u-crm", {"x"}, ""}, connection()).field,
      "chat_id");
  BOOST_CHECK(
      refused(Chat::State{}, SubmitMessage{"out-1", "u-crm", {"x"}, ""}, connection()).kind ==
      Rejection::Kind::not_found);
  const auto events = record(s, SubmitMessage{"out-1", "u-crm", {"hello"}, "p1"}, connection());
  BOOST_CHECK(types(events) == std::vector<std::string>{"MessageSubmitted"});
  const auto d = parse(events[0].data);
  BOOST_CHECK_EQUAL(text(d, "account_id"), "tg-1");
  BOOST_CHECK_EQUAL(text(d, "user_id"), "u-crm");
  BOOST_CHECK_EQUAL(text(d, "reply_to"), "in-p1");  // resolved to Switchboard's id
  BOOST_CHECK_EQUAL(text(d, "chat_id"), "c1");
  const auto& m = s.messages.at("out-1");
  BOOST_CHECK_EQUAL(m.status, "pending");
  BOOST_CHECK_EQUAL(m.direction, "outbound");
  // A retry records nothing; someone else reusing the id is refused.
  BOOST_CHECK(record(s, SubmitMessage{"out-1", "u-crm", {"hello"}, ""}, connection()).empty());
  BOOST_CHECK(refused(s, SubmitMessage{"out-1", "u-other", {"x"}, ""}, connection()).kind ==
              Rejection::Kind::conflict);
  BOOST_CHECK_EQUAL(refused(s, SubmitMessage{"out-2", "u-crm", {"x"}, "nope"}, connection()).field,
                    "reply_to");
}

BOOST_AUTO_TEST_CASE(submitting_needs_a_live_connection_and_account) {
  auto s = started();
  auto c = connection();
  c.accounts["tg-1"].active = false;
  BOOST_CHECK(refused(s, SubmitMessage{"out-1", "u", {"x"}, ""}, c).kind ==
              Rejection::Kind::conflict);
  c = connection();
  c.active = false;
  BOOST_CHECK_EQUAL(refused(s, SubmitMessage{"out-1", "u", {"x"}, ""}, c).field, "provider_code");
  BOOST_CHECK(refused(s, SubmitMessage{"out-1", "u", {""}, ""}, connection()).kind ==
              Rejection::Kind::invalid);
}

BOOST_AUTO_TEST_CASE(delivery_records_the_provider_id_once) {
  auto s = with_outbound();
  BOOST_CHECK(refused(s, RecordDelivery{"nope", "pm-1"}).kind == Rejection::Kind::not_found);
  BOOST_CHECK(refused(s, RecordDelivery{"in-p1", "pm-1"}).kind == Rejection::Kind::conflict);
  BOOST_CHECK_EQUAL(refused(s, RecordDelivery{"out-1", ""}).field, "provider_message_id");
  {
    // An id the chat's inbound message already has: sent all the same, the id stays with it.
    auto taken = s;
    BOOST_CHECK(types(record(taken, RecordDelivery{"out-1", "p1"})) ==
                std::vector<std::string>{"MessageDelivered"});
    BOOST_CHECK_EQUAL(taken.messages.at("out-1").status, "sent");
    BOOST_CHECK_EQUAL(taken.messages.at("out-1").provider_message_id, "");
    BOOST_CHECK_EQUAL(taken.find("p1")->message_id, "in-p1");
    BOOST_CHECK(record(taken, RecordDelivery{"out-1", "p1"}).empty());
  }
  const auto events = record(s, RecordDelivery{"out-1", "pm-1"});
  BOOST_CHECK(types(events) == std::vector<std::string>{"MessageDelivered"});
  BOOST_CHECK_EQUAL(s.messages.at("out-1").status, "sent");
  BOOST_CHECK_EQUAL(s.find("pm-1")->message_id, "out-1");
  BOOST_CHECK(record(s, RecordDelivery{"out-1", "pm-1"}).empty());
  BOOST_CHECK(record(s, RecordDelivery{"out-1", "pm-other"}).empty());
}

BOOST_AUTO_TEST_CASE(delivery_after_a_status_raced_ahead_keeps_the_status) {
  auto s = with_outbound();
  record(s, ChangeMessageStatus{"out-1", "delivered"});
  record(s, RecordDelivery{"out-1", "pm-1"});
  BOOST_CHECK_EQUAL(s.messages.at("out-1").status, "delivered");
  BOOST_CHECK_EQUAL(s.messages.at("out-1").provider_message_id, "pm-1");
}

BOOST_AUTO_TEST_CASE(not_sent_only_while_pending) {
  auto s = with_outbound();
  BOOST_CHECK_EQUAL(refused(s, RecordNotSent{"out-1", "lost", ""}).field, "reason");
  const auto events = record(s, RecordNotSent{"out-1", "expired", "no answer for an hour"});
  BOOST_CHECK(types(events) == std::vector<std::string>{"MessageNotSent"});
  const auto d = parse(events[0].data);
  BOOST_CHECK_EQUAL(text(d, "user_id"), "u-crm");
  BOOST_CHECK_EQUAL(text(d, "reason"), "expired");
  BOOST_CHECK_EQUAL(text(d, "detail"), "no answer for an hour");
  BOOST_CHECK_EQUAL(s.messages.at("out-1").status, "not_sent");
  BOOST_CHECK(record(s, RecordNotSent{"out-1", "rejected", ""}).empty());
  // Terminal: neither a late delivery nor a status revives it.
  BOOST_CHECK(record(s, RecordDelivery{"out-1", "pm-1"}).empty());
  BOOST_CHECK(record(s, ChangeMessageStatus{"out-1", "read"}).empty());

  auto sent = with_outbound();
  record(sent, RecordDelivery{"out-1", "pm-1"});
  BOOST_CHECK(record(sent, RecordNotSent{"out-1", "expired", ""}).empty());
}

BOOST_AUTO_TEST_CASE(a_deactivated_connection_leaves_a_pending_message_not_sent) {
  auto s = with_outbound();
  const auto events =
      record(s, RecordNotSent{"out-1", "connection_deactivated", "the connection was deactivated"});
  BOOST_CHECK(types(events) == std::vector<std::string>{"MessageNotSent"});
  const auto d = parse(events[0].data);
  BOOST_CHECK_EQUAL(text(d, "user_id"), "u-crm");
  BOOST_CHECK_EQUAL(text(d, "reason"), "connection_deactivated");
  BOOST_CHECK_EQUAL(s.messages.at("out-1").status, "not_sent");
  // A redelivered job records it once.
  BOOST_CHECK(record(s, RecordNotSent{"out-1", "connection_deactivated", ""}).empty());

  // A message the provider took before the deactivation stays sent.
  auto sent = with_outbound();
  record(sent, RecordDelivery{"out-1", "pm-1"});
  BOOST_CHECK(record(sent, RecordNotSent{"out-1", "connection_deactivated", ""}).empty());
  BOOST_CHECK_EQUAL(sent.messages.at("out-1").status, "sent");
}

BOOST_AUTO_TEST_CASE(an_insecure_endpoint_leaves_a_pending_message_not_sent) {
  auto s = with_outbound();
  const auto events = record(s, RecordNotSent{"out-1", "insecure_endpoint", "plain http"});
  BOOST_CHECK_EQUAL(text(parse(events.at(0).data), "reason"), "insecure_endpoint");
  BOOST_CHECK_EQUAL(refused(s, RecordNotSent{"out-1", "unsafe", ""}).field, "reason");
}

BOOST_AUTO_TEST_CASE(a_failed_edit_or_read_names_who_to_tell) {
  auto s = with_outbound();
  const auto events = record(
      s, RecordDeliveryFailed{"update_message_text", "out-1", "u-crm", "rejected", "HTTP 400"});
  BOOST_CHECK(types(events) == std::vector<std::string>{"DeliveryFailed"});
  const auto d = parse(events[0].data);
  BOOST_CHECK_EQUAL(text(d, "action"), "update_message_text");
  BOOST_CHECK_EQUAL(text(d, "message_id"), "out-1");
  BOOST_CHECK_EQUAL(text(d, "user_id"), "u-crm");
  BOOST_CHECK_EQUAL(text(d, "reason"), "rejected");
  BOOST_CHECK_EQUAL(text(d, "detail"), "HTTP 400");
  const auto read =
      parse(record(s, RecordDeliveryFailed{"read_chat", "", "u-crm", "expired", ""})[0].data);
  BOOST_CHECK_EQUAL(text(read, "action"), "read_chat");
  BOOST_CHECK(!read.HasMember("message_id"));
  // The message keeps its status: only the provider's copy missed the edit.
  BOOST_CHECK_EQUAL(s.messages.at("out-1").status, "pending");

  BOOST_CHECK_EQUAL(
      refused(s, RecordDeliveryFailed{"send_message", "out-1", "u-crm", "expired", ""}).field,
      "action");
  BOOST_CHECK_EQUAL(refused(s, RecordDeliveryFailed{"read_chat", "", "u-crm", "lost", ""}).field,
                    "reason");
  BOOST_CHECK_EQUAL(refused(s, RecordDeliveryFailed{"read_chat", "", "", "expired", ""}).field,
                    "user_id");
  BOOST_CHECK(
      refused(s, RecordDeliveryFailed{"update_message_text", "nope", "u-crm", "expired", ""})
          .kind == Rejection::Kind::not_found);
  BOOST_CHECK(
      refused(Chat::State{}, RecordDeliveryFailed{"read_chat", "", "u-crm", "expired", ""}).kind ==
      Rejection::Kind::not_found);
}

BOOST_AUTO_TEST_CASE(status_moves_only_forward_and_late_updates_are_ignored) {
  auto s = with_outbound();
  record(s, RecordDelivery{"out-1", "pm-1"});
  BOOST_CHECK(record(s, ChangeMessageStatus{"pm-1", "sent"}).empty());
  const auto events = record(s, ChangeMessageStatus{"pm-1", "read"});
  BOOST_CHECK(types(events) == std::vector<std::string>{"MessageStatusChanged"});
  BOOST_CHECK_EQUAL(text(parse(events[0].data), "message_id"), "out-1");
  BOOST_CHECK_EQUAL(text(parse(events[0].data), "status"), "read");
  BOOST_CHECK(record(s, ChangeMessageStatus{"out-1", "delivered"}).empty());  // late
  BOOST_CHECK(record(s, ChangeMessageStatus{"out-1", "read"}).empty());       // repeated
  BOOST_CHECK(record(s, ChangeMessageStatus{"out-1", "failed"}).empty());     // after read
  BOOST_CHECK_EQUAL(message_status(s, "pm-1"), "read");
  BOOST_CHECK_EQUAL(message_status(s, "nope"), "");
}

BOOST_AUTO_TEST_CASE(failed_is_terminal) {
  auto s = with_outbound();
  record(s, ChangeMessageStatus{"out-1", "delivered"});
  BOOST_CHECK_EQUAL(record(s, ChangeMessageStatus{"out-1", "failed"}).size(), 1u);
  for (const auto* status : {"sent", "delivered", "read", "failed"}) {
    BOOST_CHECK(record(s, ChangeMessageStatus{"out-1", status}).empty());
  }
  BOOST_CHECK_EQUAL(s.messages.at("out-1").status, "failed");
}

BOOST_AUTO_TEST_CASE(bad_status_updates_are_refused) {
  auto s = with_outbound();
  for (const auto* status : {"seen", "pending", "not_sent", ""}) {
    const auto r = refused(s, ChangeMessageStatus{"out-1", status});
    BOOST_CHECK(r.kind == Rejection::Kind::invalid);
    BOOST_CHECK_EQUAL(r.field, "status");
  }
  BOOST_CHECK_EQUAL(refused(s, ChangeMessageStatus{"nope", "read"}).field, "message_id");
  BOOST_CHECK(refused(s, ChangeMessageStatus{"p1", "read"}).kind == Rejection::Kind::conflict);
}

BOOST_AUTO_TEST_CASE(a_text_update_changes_only_the_text) {
  auto s = started();
  MessageBody edited{
      "hi, *edited*", "markdown", {{"bold", 4, 8, ""}}, {{"https://f.example/x", "x", "a/b", 1}}};
  const auto events = record(s, UpdateMessageText{"p1", edited, "provider", ""});
  BOOST_CHECK(types(events) == std::vector<std::string>{"MessageTextUpdated"});
  const auto d = parse(events[0].data);
  BOOST_CHECK_EQUAL(text(d, "message_id"), "in-p1");
  BOOST_CHECK_EQUAL(text(d, "text"), "hi, *edited*");
  BOOST_CHECK_EQUAL(text(d, "format"), "markdown");
  BOOST_CHECK_EQUAL(d["entities"].Size(), 1u);
  BOOST_CHECK_EQUAL(text(d, "source"), "provider");
  BOOST_CHECK(!d.HasMember("attachments"));
  BOOST_CHECK(!d.HasMember("sender"));
  BOOST_CHECK(!d.HasMember("status"));
  const auto& m = s.messages.at("in-p1");
  BOOST_CHECK_EQUAL(m.status, "delivered");
  BOOST_CHECK(!m.seen);
  BOOST_CHECK(!m.has_attachments);
  // The same text again (whatever attachments come with it) records nothing.
  edited.attachments.clear();
  BOOST_CHECK(record(s, UpdateMessageText{"in-p1", edited, "provider", ""}).empty());
  edited.format = "plain";
  BOOST_CHECK_EQUAL(record(s, UpdateMessageText{"in-p1", edited, "provider", ""}).size(), 1u);
}

BOOST_AUTO_TEST_CASE(text_updates_are_checked) {
  auto s = with_outbound();
  BOOST_CHECK_EQUAL(refused(s, UpdateMessageText{"nope", {"x"}, "provider", ""}).field,
                    "message_id");
  BOOST_CHECK(refused(s, UpdateMessageText{"nope", {"x"}, "provider", ""}).kind ==
              Rejection::Kind::not_found);
  BOOST_CHECK_EQUAL(refused(s, UpdateMessageText{"p1", {"x"}, "admin", ""}).field, "source");
  BOOST_CHECK(refused(s, UpdateMessageText{"p1", {""}, "provider", ""}).kind ==
              Rejection::Kind::invalid);
}

BOOST_AUTO_TEST_CASE(an_empty_text_is_fine_when_the_message_has_attachments) {
  Chat::State s;
  auto m = inbound("p1", "caption");
  m.body.attachments = {{"https://f.example/x.png", "x.png", "image/png", 10}};
  record(s, m, connection());
  BOOST_CHECK_EQUAL(record(s, UpdateMessageText{"p1", {""}, "provider", ""}).size(), 1u);
}

BOOST_AUTO_TEST_CASE(only_the_author_edits_from_the_crm) {
  auto s = with_outbound();
  const auto other = refused(s, UpdateMessageText{"out-1", {"mine now"}, "crm", "u-other"});
  BOOST_CHECK(other.kind == Rejection::Kind::forbidden);
  BOOST_CHECK_EQUAL(other.field, "message_id");
  BOOST_CHECK(refused(s, UpdateMessageText{"p1", {"inbound"}, "crm", "u-crm"}).kind ==
              Rejection::Kind::forbidden);
  record(s, RecordDelivery{"out-1", "pm-1"});
  const auto events = record(s, UpdateMessageText{"out-1", {"fixed"}, "crm", "u-crm"});
  const auto d = parse(events[0].data);
  BOOST_CHECK_EQUAL(text(d, "provider_message_id"), "pm-1");
  BOOST_CHECK_EQUAL(text(d, "user_id"), "u-crm");
  BOOST_CHECK_EQUAL(text(d, "source"), "crm");
  // The provider may edit any message of the chat, outbound ones too.
  BOOST_CHECK_EQUAL(record(s, UpdateMessageText{"pm-1", {"by provider"}, "provider", ""}).size(),
                    1u);
}

BOOST_AUTO_TEST_CASE(a_message_not_sent_cannot_be_edited_from_the_crm) {
  auto s = with_outbound();
  record(s, RecordNotSent{"out-1", "rejected", "400"});
  BOOST_CHECK(refused(s, UpdateMessageText{"out-1", {"again"}, "crm", "u-crm"}).kind ==
              Rejection::Kind::conflict);
}

BOOST_AUTO_TEST_CASE(mark_read_lists_exactly_the_unseen_inbound_messages) {
  auto s = started();
  record(s, inbound("p2"), connection());
  record(s, SubmitMessage{"out-1", "u-crm", {"reply"}, ""}, connection());
  record(s, inbound("p3"), connection());
  auto events = record(s, MarkChatRead{"crm", "u-crm"});
  BOOST_CHECK(types(events) == std::vector<std::string>{"ChatRead"});
  auto d = parse(events[0].data);
  BOOST_CHECK(strings(d, "message_ids") ==
              (std::vector<std::string>{"in-p1", "in-p2", "in-p3"}));  // in arrival order
  BOOST_CHECK(strings(d, "provider_message_ids") == (std::vector<std::string>{"p1", "p2", "p3"}));
  BOOST_CHECK_EQUAL(text(d, "source"), "crm");
  BOOST_CHECK_EQUAL(text(d, "user_id"), "u-crm");
  BOOST_CHECK_EQUAL(text(d, "account_id"), "tg-1");
  BOOST_CHECK(record(s, MarkChatRead{"crm", "u-crm"}).empty());

  record(s, inbound("p4"), connection());
  events = record(s, MarkChatRead{"provider", ""});
  d = parse(events[0].data);
  BOOST_CHECK(strings(d, "message_ids") == std::vector<std::string>{"in-p4"});
  BOOST_CHECK(!d.HasMember("user_id"));
  BOOST_CHECK(s.messages.at("in-p4").seen);
}

BOOST_AUTO_TEST_CASE(mark_read_is_checked) {
  BOOST_CHECK(refused(Chat::State{}, MarkChatRead{"provider", ""}).kind ==
              Rejection::Kind::not_found);
  BOOST_CHECK_EQUAL(refused(started(), MarkChatRead{"robot", ""}).field, "source");
  BOOST_CHECK_EQUAL(refused(started(), MarkChatRead{"crm", ""}).field, "user_id");
}

BOOST_AUTO_TEST_CASE(editing_a_chat) {
  BOOST_CHECK_EQUAL(refused(Chat::State{}, EditChat{"x", {}, {}}).field, "chat_id");
  auto s = started();
  BOOST_CHECK(record(s, EditChat{}).empty());
  BOOST_CHECK(record(s, EditChat{"Ann", {{"u1", "Ann"}}, {"ghost"}}).empty());
  const auto events = record(s, EditChat{"Ann & Bob", {{"u2", "Bob"}, {"u1", "Anna"}}, {}});
  const auto d = parse(events[0].data);
  BOOST_CHECK_EQUAL(text(d, "title"), "Ann & Bob");
  BOOST_CHECK_EQUAL(d["participants_added"].Size(), 2u);
  BOOST_CHECK_EQUAL(s.title, "Ann & Bob");
  BOOST_CHECK_EQUAL(s.participants.size(), 2u);
  BOOST_CHECK_EQUAL(s.participants[0].name, "Anna");
  const auto removed = record(s, EditChat{std::nullopt, {}, {"u2", "u2", "ghost"}});
  const auto r = parse(removed[0].data);
  BOOST_CHECK(!r.HasMember("title"));
  BOOST_CHECK(strings(r, "participants_removed") == std::vector<std::string>{"u2"});
  BOOST_CHECK_EQUAL(s.participants.size(), 1u);
  BOOST_CHECK(refused(s, EditChat{std::nullopt, {{"u5", ""}}, {"u5"}}).kind ==
              Rejection::Kind::invalid);
  BOOST_CHECK(refused(s, EditChat{std::nullopt, {{"", "nobody"}}, {}}).kind ==
              Rejection::Kind::invalid);
}

BOOST_AUTO_TEST_CASE(every_chat_event_carries_its_keys) {
  auto s = with_outbound();
  std::vector<NewEvent> all;
  const auto add = [&](std::vector<NewEvent> events) {
    all.insert(all.end(), events.begin(), events.end());
  };
  add(record(s, RecordDelivery{"out-1", "pm-1"}));
  add(record(s, ChangeMessageStatus{"out-1", "delivered"}));
  add(record(s, UpdateMessageText{"out-1", {"x"}, "crm", "u-crm"}));
  add(record(s, inbound("p9"), connection()));
  add(record(s, MarkChatRead{"crm", "u-crm"}));
  add(record(s, EditChat{"new", {}, {}}));
  add(record(s, SubmitMessage{"out-2", "u-crm", {"y"}, ""}, connection()));
  add(record(s, RecordNotSent{"out-2", "rejected", "422"}));
  BOOST_CHECK_EQUAL(all.size(), 8u);
  for (const auto& e : all) {
    const auto d = parse(e.data);
    BOOST_CHECK_MESSAGE(text(d, "tenant_id") == "t1" && text(d, "provider_code") == "chatline" &&
                            text(d, "chat_id") == "c1",
                        e.type << " lacks its keys");
  }
}
