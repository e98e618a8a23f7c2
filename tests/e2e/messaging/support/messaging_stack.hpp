#pragma once

// A whole messaging setup over real sockets: the fake provider (its own process), the switchboard
// binary with short delivery timings, a provider `chatline` (and any added) whose configuration
// points at the fake, and tenants that installed its app (sandbox tenants: no publication needed).

#include <functional>
#include <memory>
#include <string>

#include "tests/e2e/messaging/support/fake_provider.hpp"
#include "tests/e2e/provider_platform/provider_api.hpp"

namespace switchboard::tests::e2e::messaging {

// What the server tells providers' set_webhook (messaging.public_base_url) in these tests.
inline constexpr const char* kPublicBaseUrl = "https://switchboard.e2e.example";

// Delivery timings for tests: retries after 200 ms, an unavailable provider is retried every
// 300 ms, and work not delivered within `expiry_ms` is not sent; the public base URL is
// kPublicBaseUrl.
Settings fast_delivery(int expiry_ms = 6'000);

// The provider's optional endpoints its configuration declares besides message_history.
enum class Webhooks { undeclared, declared };

class MessagingStack {
 public:
  // `provider_tls`: the fake provider's endpoints over HTTPS (see ProviderTls).
  explicit MessagingStack(Settings overrides = fast_delivery(),
                          Webhooks webhooks = Webhooks::undeclared, ProviderTls provider_tls = {});

  ServerProcess& server() { return *server_; }
  FakeProvider& provider() { return provider_; }
  const ApiClient& marketplace() const { return *marketplace_; }
  const ApiClient& admin() const { return *admin_; }

  // Another provider (app `app-<code>` of the same developer) whose configuration points at the
  // same fake, as chatline's does.
  void add_provider(const std::string& code);
  // Installs the provider's app for `tenant` (a sandbox tenant).
  void install(const std::string& tenant, const std::string& provider = "chatline");
  // A CRM user's token, through the internal API.
  ApiClient user(const std::string& tenant, const std::string& user_id) const;
  // The provider's client token for `tenant` (the fake provider learns it too), activated by
  // `user`; returns the provider's caller with that token once the activation's account sync has
  // ended (synced or failed), or at once with SyncWait::none (a provider that is down holds the
  // sync up to the delivery expiry).
  enum class SyncWait { ended, none };
  ApiClient connect(const ApiClient& user, const std::string& token,
                    const std::string& provider = "chatline", SyncWait wait = SyncWait::ended);
  // Activates `token` as connect() does with the provider holding every answer `delay_ms`, and
  // returns once it got the sync's list_accounts: the sync is under way.
  ApiClient connect_mid_sync(const ApiClient& user, const std::string& token, int delay_ms);
  // Waits until the account sync of every activation of the connection `token` is active on has
  // ended (synced or failed) and the read model shows the newest outcome.
  void until_synced(const std::string& token) const;
  // The `sync` of `user`'s connection to `provider` (GET /crm/v1/connections); null when none.
  rapidjson::Document sync_of(const ApiClient& user,
                              const std::string& provider = "chatline") const;
  ApiClient client(const std::string& token) const { return {server_->endpoint(), token}; }

  // Calls `target` as `caller` until `done` holds; fails the test after 20 s.
  HttpResponse until(const ApiClient& caller, const std::string& target,
                     const std::function<bool(const HttpResponse&)>& done) const;

 private:
  TempDir dir_;
  FakeProvider provider_;
  Webhooks webhooks_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<ApiClient> marketplace_;
  std::unique_ptr<ApiClient> admin_;
};

// The chat `chat_id` in a CRM chat list, or a null value.
const rapidjson::Value& chat_in(const rapidjson::Document& list, const std::string& chat_id);

// A client token the way providers make them: long and random enough.
std::string client_token(const std::string& tenant);

}  // namespace switchboard::tests::e2e::messaging
