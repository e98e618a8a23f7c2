// The Authenticator against a real PostgreSQL: a client token this node retired is refused with
// 401 even while the messaging projection lags and its read model still shows the token active.
#include "api/auth/authenticator.hpp"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <thread>

#include "api/cache/read_model_watch.hpp"
#include "commands/access/access_commands.hpp"
#include "eventstore/connection_pool.hpp"
#include "eventstore/event_store.hpp"
#include "tests/support/append_request.hpp"
#include "tests/support/test_database.hpp"

using namespace switchboard;

namespace {

constexpr auto token = "client-token-of-chatline-for-acme";

api::http::Request with_token() {
  api::http::Request request;
  request.headers.emplace_back("Authorization", std::string("Bearer ") + token);
  return request;
}

// The status a client-token route answers with (200 standing for "the caller passes").
int status_of(const api::auth::Authenticator& auth) {
  const auto result = auth.client_token().check(with_token());
  const auto* refused = std::get_if<api::http::Response>(&result);
  return refused == nullptr ? 200 : refused->status;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(authenticator)

BOOST_AUTO_TEST_CASE(a_token_retired_here_gets_401_while_the_projection_lags) {
  tests::TestDatabase db;
  const auto hash = commands::access::token_sha256(token);
  // The read model as the messaging projection left it: the connection is active.
  db.exec(
      "INSERT INTO messaging_connections (tenant_id, provider_code, app_id, token_sha256,"
      " token_sealed, has_history, active, activated_at, updated_at)"
      " VALUES ('acme', 'chatline', 'app-1', '" +
      hash + "', 'sealed', false, true, now(), now())");
  eventstore::ConnectionPool read_models(db.app_url(), 2);
  api::cache::ReadModelWatch watch(db.app_url());
  watch.start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{20};
  while (watch.stamp(api::cache::ReadModelWatch::revoked_tokens, hash) == 0) {
    BOOST_REQUIRE_MESSAGE(std::chrono::steady_clock::now() < deadline, "the watch never listened");
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  api::auth::Authenticator auth(read_models, watch);
  BOOST_TEST(status_of(auth) == 200);  // and remembered

  // The deactivation is recorded; the projection has not applied it.
  eventstore::EventStore store({.database_url = db.app_url()});
  const auto recorded = store.append(tests::append_request("connection-acme/chatline"));
  BOOST_REQUIRE(recorded.succeeded());
  auth.forget(hash, recorded.last_position);
  BOOST_TEST(status_of(auth) == 401);
  // Another kind of route does not tell a dead token from a live one of another kind either.
  const auto as_user = auth.user_token().check(with_token());
  BOOST_REQUIRE(std::holds_alternative<api::http::Response>(as_user));
  BOOST_TEST(std::get<api::http::Response>(as_user).status == 401);

  // Once the projection has applied the event, the read model decides again: here the token was
  // activated anew since, so it passes.
  db.exec(
      "INSERT INTO projection_checkpoints (name, epoch, tx_id, global_position)"
      " SELECT 'messaging', epoch, tx_id, global_position FROM events WHERE global_position = " +
      std::to_string(recorded.last_position) +
      " ON CONFLICT (name) DO UPDATE SET epoch = excluded.epoch, tx_id = excluded.tx_id,"
      " global_position = excluded.global_position");
  BOOST_TEST(status_of(auth) == 200);
  watch.stop();
}

BOOST_AUTO_TEST_SUITE_END()
