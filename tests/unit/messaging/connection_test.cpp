// Connections, their accounts and the claim that ties a client token to one connection.
#include "domain/messaging/connection.hpp"

#include <boost/test/unit_test.hpp>

#include "domain/json.hpp"
#include "domain/messaging/client_token_claim.hpp"

using namespace switchboard::domain;
using namespace switchboard::domain::messaging;

namespace {

const std::string kTokenA(64, 'a');
const std::string kTokenB(64, 'b');

template <class Aggregate, class Command>
std::vector<NewEvent> record(typename Aggregate::State& s, const Command& c) {
  auto d = decide(s, c);
  if (const auto* r = std::get_if<Rejection>(&d)) BOOST_FAIL("refused: " << r->message);
  auto events = std::get<std::vector<NewEvent>>(d);
  for (const auto& e : events) Aggregate::apply(s, e.type, e.data);
  return events;
}

template <class State, class Command>
Rejection refused(const State& s, const Command& c) {
  auto d = decide(s, c);
  BOOST_REQUIRE(std::holds_alternative<Rejection>(d));
  return std::get<Rejection>(d);
}

std::vector<std::string> types(const std::vector<NewEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.type);
  return out;
}

ActivateToken activation(const std::string& token = kTokenA) {
  return {"t1", "chatline", "app-1", token, "c2VhbGVk", true};
}

// Active, its first sync over.
Connection::State active() {
  Connection::State s;
  record<Connection>(s, activation());
  record<Connection>(s, RecordAccountSync{1, 0, 0, "", ""});
  return s;
}

}  // namespace

BOOST_AUTO_TEST_CASE(activation_connects_the_main_account) {
  Connection::State s;
  const auto events = record<Connection>(s, activation());
  BOOST_CHECK(types(events) ==
              (std::vector<std::string>{"ClientTokenActivated", "AccountConnected"}));
  const auto d = parse(events[0].data);
  BOOST_CHECK_EQUAL(text(d, "tenant_id"), "t1");
  BOOST_CHECK_EQUAL(text(d, "provider_code"), "chatline");
  BOOST_CHECK_EQUAL(text(d, "app_id"), "app-1");
  BOOST_CHECK_EQUAL(text(d, "token_sha256"), kTokenA);
  BOOST_CHECK_EQUAL(text(d, "token_sealed"), "c2VhbGVk");
  BOOST_CHECK(flag(d, "has_history"));
  BOOST_CHECK(!d.HasMember("replaced_token_sha256"));
  const auto main = parse(events[1].data);
  BOOST_CHECK_EQUAL(text(main, "account_id"), "main");
  BOOST_CHECK(flag(main, "main"));
  BOOST_CHECK_EQUAL(text(main, "tenant_id"), "t1");
  BOOST_CHECK(s.active);
  BOOST_CHECK(s.accounts.at("main").active);
  BOOST_CHECK(s.accounts.at("main").main);
}

BOOST_AUTO_TEST_CASE(the_same_token_again_records_nothing_and_a_new_one_replaces_it) {
  auto s = active();
  BOOST_CHECK(record<Connection>(s, activation()).empty());
  const auto events = record<Connection>(s, activation(kTokenB));
  BOOST_CHECK(types(events) == std::vector<std::string>{"ClientTokenActivated"});
  // The replaced token is named, so the provider can be told it is dead.
  BOOST_CHECK_EQUAL(text(parse(events[0].data), "replaced_token_sha256"), kTokenA);
  BOOST_CHECK_EQUAL(s.token_sha256, kTokenB);
  BOOST_CHECK(s.accounts.at("main").active);
}

BOOST_AUTO_TEST_CASE(bad_activations_are_refused) {
  auto a = activation("ABC");
  BOOST_CHECK(refused(Connection::State{}, a).kind == Rejection::Kind::invalid);
  a = activation();
  a.token_sealed.clear();
  BOOST_CHECK(refused(Connection::State{}, a).kind == Rejection::Kind::invalid);
}

BOOST_AUTO_TEST_CASE(deactivation_disconnects_every_active_account) {
  auto s = active();
  record<Connection>(s, ConnectAccount{"tg-1", "telegram", "Sales bot"});
  record<Connection>(s, ConnectAccount{"wa-1", "whatsapp", "+7 900"});
  record<Connection>(s, DisconnectAccount{"wa-1"});
  const auto events = record<Connection>(s, DeactivateToken{"app_removed"});
  BOOST_CHECK(types(events) ==
              (std::vector<std::string>{"ClientTokenDeactivated", "AccountDisconnected",
                                        "AccountDisconnected"}));
  const auto d = parse(events[0].data);
  BOOST_CHECK_EQUAL(text(d, "reason"), "app_removed");
  BOOST_CHECK_EQUAL(text(d, "token_sha256"), kTokenA);
  BOOST_CHECK_EQUAL(text(d, "provider_code"), "chatline");
  BOOST_CHECK_EQUAL(text(parse(events[1].data), "account_id"), "main");
  BOOST_CHECK_EQUAL(text(parse(events[2].data), "account_id"), "tg-1");
  BOOST_CHECK(!s.active);
  for (const auto& [id, account] : s.accounts) BOOST_CHECK(!account.active);
  BOOST_CHECK(record<Connection>(s, DeactivateToken{"deactivated"}).empty());
  BOOST_CHECK_EQUAL(refused(s, DeactivateToken{"bored"}).field, "reason");
}

BOOST_AUTO_TEST_CASE(reactivation_brings_back_the_main_account_only) {
  auto s = active();
  record<Connection>(s, ConnectAccount{"tg-1", "telegram", "bot"});
  record<Connection>(s, DeactivateToken{"deactivated"});
  const auto events = record<Connection>(s, activation(kTokenB));
  BOOST_CHECK(types(events) ==
              (std::vector<std::string>{"ClientTokenActivated", "AccountConnected"}));
  // Not a replacement: the deactivation already told the provider the old token was dead.
  BOOST_CHECK(!parse(events[0].data).HasMember("replaced_token_sha256"));
  BOOST_CHECK(s.accounts.at("main").active);
  BOOST_CHECK(!s.accounts.at("tg-1").active);
}

BOOST_AUTO_TEST_CASE(the_token_a_connection_event_retires) {
  // What every node refuses from then on, read from the events the connection records.
  const auto retired = [](const std::vector<NewEvent>& events) {
    std::vector<std::string> hashes;
    for (const auto& e : events) {
      if (const auto hash = retired_token_sha256(e.type, parse(e.data))) hashes.push_back(*hash);
    }
    return hashes;
  };
  Connection::State s;
  BOOST_CHECK(retired(record<Connection>(s, activation())).empty());
  BOOST_CHECK(retired(record<Connection>(s, ConnectAccount{"tg-1", "telegram", "bot"})).empty());
  BOOST_CHECK(retired(record<Connection>(s, activation(kTokenB))) ==
              std::vector<std::string>{kTokenA});
  BOOST_CHECK(retired(record<Connection>(s, DeactivateToken{"app_disabled"})) ==
              std::vector<std::string>{kTokenB});
  // A reactivation replaces no token: the deactivation retired the last one.
  BOOST_CHECK(retired(record<Connection>(s, activation())).empty());
  // A token field of another event is no retirement.
  BOOST_CHECK(!retired_token_sha256("ClientTokenClaimed", parse(R"({"token_sha256":"aa"})")));
}

BOOST_AUTO_TEST_CASE(accounts_connect_only_on_an_active_connection) {
  Connection::State inactive;
  BOOST_CHECK(refused(inactive, ConnectAccount{"tg-1", "telegram", "bot"}).kind ==
              Rejection::Kind::forbidden);
  auto s = active();
  BOOST_CHECK_EQUAL(refused(s, ConnectAccount{"main", "telegram", "bot"}).field, "account_id");
  BOOST_CHECK_EQUAL(refused(s, ConnectAccount{"", "telegram", "bot"}).field, "account_id");
  BOOST_CHECK_EQUAL(refused(s, ConnectAccount{std::string(129, 'x'), "telegram", "bot"}).field,
                    "account_id");
  BOOST_CHECK_EQUAL(refused(s, ConnectAccount{"tg-1", "", "bot"}).field, "channel_code");
  const auto events = record<Connection>(s, ConnectAccount{std::string(128, 'x'), "tg", "b"});
  BOOST_CHECK_EQUAL(events.size(), 1u);
  BOOST_CHECK(!flag(parse(events[0].data), "main"));
  BOOST_CHECK_EQUAL(text(parse(events[0].data), "tenant_id"), "t1");
}

BOOST_AUTO_TEST_CASE(reconnecting_an_account) {
  auto s = active();
  record<Connection>(s, ConnectAccount{"tg-1", "telegram", "bot"});
  BOOST_CHECK(record<Connection>(s, ConnectAccount{"tg-1", "telegram", "bot"}).empty());
  BOOST_CHECK_EQUAL(record<Connection>(s, ConnectAccount{"tg-1", "telegram", "renamed"}).size(),
                    1u);
  BOOST_CHECK_EQUAL(s.accounts.at("tg-1").name, "renamed");
  record<Connection>(s, DisconnectAccount{"tg-1"});
  BOOST_CHECK(!s.accounts.at("tg-1").active);
  BOOST_CHECK_EQUAL(record<Connection>(s, ConnectAccount{"tg-1", "telegram", "renamed"}).size(),
                    1u);
  BOOST_CHECK(s.accounts.at("tg-1").active);
}

BOOST_AUTO_TEST_CASE(disconnecting_an_account) {
  auto s = active();
  BOOST_CHECK(refused(s, DisconnectAccount{"nope"}).kind == Rejection::Kind::not_found);
  BOOST_CHECK_EQUAL(refused(s, DisconnectAccount{"main"}).field, "account_id");
  record<Connection>(s, ConnectAccount{"tg-1", "telegram", "bot"});
  const auto events = record<Connection>(s, DisconnectAccount{"tg-1"});
  BOOST_CHECK(types(events) == std::vector<std::string>{"AccountDisconnected"});
  BOOST_CHECK_EQUAL(text(parse(events[0].data), "provider_code"), "chatline");
  BOOST_CHECK(record<Connection>(s, DisconnectAccount{"tg-1"}).empty());
}

BOOST_AUTO_TEST_CASE(an_activation_starts_a_sync_whose_outcome_is_recorded_once) {
  Connection::State s;
  const auto activated = record<Connection>(s, activation());
  BOOST_CHECK_EQUAL(number(parse(activated[0].data), "activation"), 1);
  BOOST_CHECK(s.sync.status == AccountSync::Status::syncing);
  BOOST_CHECK_EQUAL(s.sync.activation, 1);

  const auto events = record<Connection>(s, RecordAccountSync{1, 2, 5, "", ""});
  BOOST_CHECK(types(events) == std::vector<std::string>{"AccountSyncCompleted"});
  const auto d = parse(events[0].data);
  BOOST_CHECK_EQUAL(text(d, "tenant_id"), "t1");
  BOOST_CHECK_EQUAL(text(d, "provider_code"), "chatline");
  BOOST_CHECK_EQUAL(number(d, "activation"), 1);
  BOOST_CHECK_EQUAL(number(d, "accounts"), 2);
  BOOST_CHECK_EQUAL(number(d, "chats"), 5);
  BOOST_CHECK(!d.HasMember("reason"));
  BOOST_CHECK(s.sync.status == AccountSync::Status::synced);
  BOOST_REQUIRE(s.sync.counts);
  BOOST_CHECK_EQUAL(s.sync.counts->accounts, 2);
  BOOST_CHECK_EQUAL(s.sync.counts->chats, 5);
  // The job run again after a crash, with other counts or as a failure: nothing more.
  BOOST_CHECK(record<Connection>(s, RecordAccountSync{1, 3, 6, "", ""}).empty());
  BOOST_CHECK(record<Connection>(s, RecordAccountSync{1, 0, 0, "expired", "late"}).empty());
  BOOST_CHECK(s.sync.status == AccountSync::Status::synced);
  // The same token again is still a no-op once synced.
  BOOST_CHECK(record<Connection>(s, activation()).empty());
}

BOOST_AUTO_TEST_CASE(bad_sync_outcomes_are_refused) {
  Connection::State s;
  record<Connection>(s, activation());
  BOOST_CHECK_EQUAL(refused(s, RecordAccountSync{0, 0, 0, "", ""}).field, "activation");
  BOOST_CHECK_EQUAL(refused(s, RecordAccountSync{1, -1, 0, "", ""}).field, "accounts");
  BOOST_CHECK_EQUAL(refused(s, RecordAccountSync{1, 0, -1, "", ""}).field, "chats");
  BOOST_CHECK_EQUAL(refused(s, RecordAccountSync{1, 0, 0, "bored", ""}).field, "reason");
  BOOST_CHECK(s.sync.status == AccountSync::Status::syncing);
}

BOOST_AUTO_TEST_CASE(a_failed_sync_is_retried_by_activating_the_same_token_again) {
  Connection::State s;
  record<Connection>(s, activation());
  record<Connection>(s, ConnectAccount{"tg-1", "telegram", "bot"});
  const auto failed = record<Connection>(
      s, RecordAccountSync{1, 1, 0, "rejected", "message_history answered 403: forbidden"});
  BOOST_CHECK(types(failed) == std::vector<std::string>{"AccountSyncFailed"});
  const auto d = parse(failed[0].data);
  BOOST_CHECK_EQUAL(text(d, "reason"), "rejected");
  BOOST_CHECK_EQUAL(text(d, "detail"), "message_history answered 403: forbidden");
  BOOST_CHECK_EQUAL(number(d, "accounts"), 1);
  BOOST_CHECK(s.sync.status == AccountSync::Status::failed);
  BOOST_CHECK_EQUAL(s.sync.reason, "rejected");
  // The worker knows how far it got: a failure it records has its counts.
  BOOST_REQUIRE(s.sync.counts);
  BOOST_CHECK_EQUAL(s.sync.counts->accounts, 1);

  // A new activation of the same token: no replacement (the token lives on) and no new main
  // account, but a sync of its own.
  const auto again = record<Connection>(s, activation());
  BOOST_CHECK(types(again) == std::vector<std::string>{"ClientTokenActivated"});
  BOOST_CHECK(!parse(again[0].data).HasMember("replaced_token_sha256"));
  BOOST_CHECK_EQUAL(number(parse(again[0].data), "activation"), 2);
  BOOST_CHECK(s.sync.status == AccountSync::Status::syncing);
  BOOST_CHECK(s.accounts.at("tg-1").active);
  // While it runs the token is active and syncing: the same token is a no-op again.
  BOOST_CHECK(record<Connection>(s, activation()).empty());
  // The first activation's job finishing late does not end the second's sync.
  BOOST_CHECK(record<Connection>(s, RecordAccountSync{1, 1, 0, "", ""}).empty());
  BOOST_CHECK(types(record<Connection>(s, RecordAccountSync{2, 1, 4, "", ""})) ==
              std::vector<std::string>{"AccountSyncCompleted"});
  BOOST_CHECK(s.sync.status == AccountSync::Status::synced);
}

BOOST_AUTO_TEST_CASE(an_activation_ended_before_its_sync_did_fails_the_sync) {
  Connection::State s;
  record<Connection>(s, activation());
  const auto deactivated = record<Connection>(s, DeactivateToken{"deactivated"});
  BOOST_CHECK(types(deactivated) ==
              (std::vector<std::string>{"AccountSyncFailed", "ClientTokenDeactivated",
                                        "AccountDisconnected"}));
  BOOST_CHECK_EQUAL(text(parse(deactivated[0].data), "reason"), "connection_deactivated");
  BOOST_CHECK_EQUAL(number(parse(deactivated[0].data), "activation"), 1);
  // How far the worker had got is not known here: no counts rather than false 0s.
  BOOST_CHECK(!parse(deactivated[0].data).HasMember("accounts"));
  BOOST_CHECK(!parse(deactivated[0].data).HasMember("chats"));
  BOOST_CHECK(!s.sync.counts);
  // The worker's outcome of the ended activation comes too late to count.
  BOOST_CHECK(record<Connection>(s, RecordAccountSync{1, 1, 0, "", ""}).empty());
  BOOST_CHECK_EQUAL(s.sync.reason, "connection_deactivated");

  record<Connection>(s, activation(kTokenB));
  BOOST_CHECK_EQUAL(s.sync.activation, 2);
  const auto replaced = record<Connection>(s, activation());
  BOOST_CHECK(types(replaced) ==
              (std::vector<std::string>{"AccountSyncFailed", "ClientTokenActivated"}));
  BOOST_CHECK_EQUAL(text(parse(replaced[0].data), "reason"), "token_replaced");
  BOOST_CHECK(!parse(replaced[0].data).HasMember("accounts"));
  BOOST_CHECK_EQUAL(number(parse(replaced[0].data), "activation"), 2);
  BOOST_CHECK_EQUAL(number(parse(replaced[1].data), "activation"), 3);
  BOOST_CHECK(s.sync.status == AccountSync::Status::syncing);
  BOOST_CHECK_EQUAL(s.sync.activation, 3);
  // Such failures recorded before they went without counts carry 0s: no counts either.
  BOOST_CHECK(!sync_counts(parse(R"({"accounts":0,"chats":0,"reason":"token_replaced"})")));
  BOOST_CHECK(sync_counts(parse(R"({"accounts":0,"chats":0,"reason":"expired"})")));
}

BOOST_AUTO_TEST_CASE(an_activation_recorded_before_syncs_had_outcomes_expects_none) {
  Connection::State s;
  Connection::apply(s, "ClientTokenActivated",
                    R"({"tenant_id":"t1","provider_code":"chatline","app_id":"app-1",)"
                    R"("token_sha256":")" +
                        kTokenA + R"(","token_sealed":"x","has_history":false})");
  BOOST_CHECK(s.sync.status == AccountSync::Status::unknown);
  BOOST_CHECK_EQUAL(status_name(s.sync.status), "unknown");
  BOOST_CHECK(record<Connection>(s, RecordAccountSync{1, 0, 0, "", ""}).empty());
  // Deactivating it fails no sync; the next activation is the second.
  BOOST_CHECK(types(record<Connection>(s, DeactivateToken{"deactivated"})) ==
              std::vector<std::string>{"ClientTokenDeactivated"});
  BOOST_CHECK_EQUAL(number(parse(record<Connection>(s, activation())[0].data), "activation"), 2);
}

BOOST_AUTO_TEST_CASE(a_token_belongs_to_its_first_connection) {
  ClientTokenClaim::State s;
  const auto events = record<ClientTokenClaim>(s, ClaimClientToken{"t1", "chatline"});
  BOOST_CHECK(types(events) == std::vector<std::string>{"ClientTokenClaimed"});
  BOOST_CHECK(record<ClientTokenClaim>(s, ClaimClientToken{"t1", "chatline"}).empty());
  for (const auto& other : {ClaimClientToken{"t2", "chatline"}, ClaimClientToken{"t1", "other"}}) {
    const auto r = refused(s, other);
    BOOST_CHECK(r.kind == Rejection::Kind::conflict);
    BOOST_CHECK_EQUAL(r.field, "token");
    BOOST_CHECK_EQUAL(r.message, "this token is already used by another connection");
  }
}
