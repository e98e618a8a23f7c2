#include "tests/e2e/messaging/support/messaging_stack.hpp"

#include <boost/test/unit_test.hpp>
#include <sstream>
#include <thread>
#include <utility>
#include <vector>

#include "commands/access/access_commands.hpp"
#include "commands/command_context.hpp"

namespace switchboard::tests::e2e::messaging {

Settings fast_delivery(int expiry_ms) {
  return {{"messaging.retry_delay_ms", "200"},
          {"messaging.max_attempts", "3"},
          {"messaging.unavailable_retry_ms", "300"},
          {"messaging.request_timeout_ms", "1000"},
          {"messaging.crash_takeover_ms", "3000"},
          {"messaging.expiry_ms", std::to_string(expiry_ms)},
          {"messaging.public_base_url", kPublicBaseUrl}};
}

const rapidjson::Value& chat_in(const rapidjson::Document& list, const std::string& chat_id) {
  static const rapidjson::Value none;
  for (const auto& c : list["items"].GetArray()) {
    if (chat_id == c["chat_id"].GetString()) return c;
  }
  return none;
}

std::string client_token(const std::string& tenant) {
  return "fake-" + tenant + "-" + commands::new_uuid() + commands::new_uuid();
}

MessagingStack::MessagingStack(Settings overrides, Webhooks webhooks, ProviderTls provider_tls)
    : provider_(dir_, std::move(provider_tls)), webhooks_(webhooks) {
  server_ = std::make_unique<ServerProcess>(overrides);
  marketplace_ = std::make_unique<ApiClient>(
      server_->endpoint(),
      issue_token(*server_, domain::access::TokenKind::service, "marketplace"));
  admin_ = std::make_unique<ApiClient>(
      server_->endpoint(), issue_token(*server_, domain::access::TokenKind::service, "admin"));
  add_provider("chatline");
}

void MessagingStack::add_provider(const std::string& code) {
  const auto registered =
      marketplace_->call("POST", "/internal/v1/apps",
                         R"({"app_id":"app-)" + code + R"(","system_name":")" + code +
                             R"(","developer_id":"dev-42","initial_version":"1.0"})");
  BOOST_REQUIRE_MESSAGE(registered.status == 201, registered.text());
  const auto enabled =
      marketplace_->call("PUT", "/internal/v1/apps/app-" + code + "/scopes/communications",
                         R"({"app_version":"1.0"})");
  BOOST_REQUIRE_MESSAGE(enabled.status == 200, enabled.text());
  const ApiClient developer{server_->endpoint(),
                            issue_token(*server_, domain::access::TokenKind::developer, "dev-42")};
  std::string declared;
  for (const auto& [name, path] : kFakeEndpoints) {
    const std::string_view n{name};
    const bool webhook = n == "set_webhook" || n == "remove_webhook";
    if (n == "bulk_send" || (webhook && webhooks_ != Webhooks::declared)) continue;
    declared += std::string(declared.empty() ? "" : ",") + '"' + name + R"(":")" +
                provider_.base_url() + path + '"';
  }
  const auto uploaded = developer.call(
      "POST", "/developer/v1/providers/" + code + "/configurations",
      R"({"version":1,"app_version":"1.0","auth_type":"token","endpoints":{)" + declared + "}}");
  BOOST_REQUIRE_MESSAGE(uploaded.status == 201, uploaded.text());
}

void MessagingStack::install(const std::string& tenant, const std::string& provider) {
  const auto installed = marketplace_->call(
      "POST", "/internal/v1/tenants/" + tenant + "/installations",
      R"({"app_id":"app-)" + provider + R"(","app_version":"1.0","sandbox":true})");
  BOOST_REQUIRE_MESSAGE(installed.status == 201, installed.text());
}

ApiClient MessagingStack::user(const std::string& tenant, const std::string& user_id) const {
  const auto issued = marketplace_->call(
      "POST", "/internal/v1/tenants/" + tenant + "/users/" + user_id + "/tokens");
  BOOST_REQUIRE_MESSAGE(issued.status == 201, issued.text());
  // A copy: the parsed document is gone at the end of the statement.
  const std::string token = json_of(issued)["token"].GetString();
  const ApiClient caller{server_->endpoint(), token};
  // The server's access_tokens projection learns the token within moments.
  until(caller, "/crm/v1/connections", [](const HttpResponse& r) { return r.status == 200; });
  return caller;
}

ApiClient MessagingStack::connect(const ApiClient& user, const std::string& token,
                                  const std::string& provider, SyncWait wait) {
  provider_.add_token(token);
  const auto activated =
      user.call("POST", "/crm/v1/connections",
                R"({"provider_code":")" + provider + R"(","token":")" + token + R"("})");
  BOOST_REQUIRE_MESSAGE(activated.status == 201, activated.text());
  if (wait == SyncWait::ended) until_synced(token);
  return client(token);
}

ApiClient MessagingStack::connect_mid_sync(const ApiClient& user, const std::string& token,
                                           int delay_ms) {
  provider_.set_mode({.mode = "slow", .delay_ms = delay_ms});
  auto caller = connect(user, token, "chatline", SyncWait::none);
  until(user, "/crm/v1/connections",
        [&](const HttpResponse&) { return provider_.received("/accounts").Size() >= 1u; });
  return caller;
}

void MessagingStack::until_synced(const std::string& token) const {
  // Every activation ends with one sync outcome, recorded after the accounts and chats its sync
  // brought: once the log has one per activation and the read model has the newest, nothing more
  // of the activations is to come (a test may count events) and the CRM's view says how it went.
  const auto outcomes = [](const char* types) {
    return "(SELECT count(*) FROM events WHERE stream_id = 'connection-' || c.tenant_id || '/' ||"
           " c.provider_code AND event_type IN (" +
           std::string(types) + "))";
  };
  const auto ended =
      "SELECT count(*) FROM messaging_connections c WHERE c.active AND c.token_sha256 = '" +
      commands::access::token_sha256(token) + "' AND c.sync_state <> 'syncing' AND " +
      outcomes("'ClientTokenActivated'") + " = " +
      outcomes("'AccountSyncCompleted', 'AccountSyncFailed'") +
      " AND c.sync_finished_at = (SELECT max(recorded_at) FROM events WHERE stream_id ="
      " 'connection-' || c.tenant_id || '/' || c.provider_code AND event_type IN"
      " ('AccountSyncCompleted', 'AccountSyncFailed'))";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (server_->database().count(ended) != 1) {
    BOOST_REQUIRE_MESSAGE(std::chrono::steady_clock::now() < deadline,
                          "the activation's account sync has not ended after 20 s");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

rapidjson::Document MessagingStack::sync_of(const ApiClient& user,
                                            const std::string& provider) const {
  const auto listed = user.call("GET", "/crm/v1/connections");
  BOOST_REQUIRE_MESSAGE(listed.status == 200, listed.text());
  const auto d = json_of(listed);
  rapidjson::Document sync;
  for (const auto& c : d["items"].GetArray()) {
    if (c["provider_code"].GetString() == provider) sync.CopyFrom(c["sync"], sync.GetAllocator());
  }
  return sync;
}

HttpResponse MessagingStack::until(const ApiClient& caller, const std::string& target,
                                   const std::function<bool(const HttpResponse&)>& done) const {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (;;) {
    auto r = caller.call("GET", target);
    if (done(r)) return r;
    if (std::chrono::steady_clock::now() > deadline) {
      // The server's own account of what happened is what explains a failure here.
      // The polling above would fill it: reads are left out.
      std::string log;
      std::istringstream lines(server_->output());
      for (std::string line; std::getline(lines, line);) {
        if (line.find("] [debug] GET ") == std::string::npos) log += line + '\n';
      }
      const auto tail = log.size() > 20'000 ? log.substr(log.size() - 20'000) : log;
      BOOST_FAIL(target << " never reached the expected state: " << r.status << " " << r.text()
                        << "\n--- server log (tail) ---\n"
                        << tail);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace switchboard::tests::e2e::messaging
