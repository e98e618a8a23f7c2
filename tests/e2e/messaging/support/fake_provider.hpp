#pragma once

// Drives tools/fake_provider (switchboard-fake-provider) for the end-to-end tests: starts it on
// two free ports (provider endpoints, control interface), talks to its control interface
// (tools/fake_provider/control_api.hpp) and stops it at the end.

#include <rapidjson/document.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "tests/e2e/support/child_process.hpp"
#include "tests/e2e/support/server_process.hpp"

namespace switchboard::tests::e2e::messaging {

// A mode of the fake (POST /mode): "normal", "down", "slow" (delay_ms) or "failing" (status, for
// the next `count` requests; 0 = until reset or the next mode).
struct ProviderMode {
  std::string mode = "normal";
  int delay_ms = 0;
  int status = 503;
  int count = 0;
};

// The fake's --tls-cert, --tls-key and --tls-client-ca (PEM files): with a certificate its
// provider endpoints speak HTTPS, with a client CA they also require a client certificate.
struct ProviderTls {
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;
};

// Where the fake serves each endpoint a configuration may name (tools/fake_provider/
// provider_endpoints.hpp): a configuration's URL is base_url() plus the path.
struct FakeEndpoint {
  const char* name;
  const char* path;
};
inline constexpr FakeEndpoint kFakeEndpoints[] = {{"list_accounts", "/accounts"},
                                                  {"send_message", "/messages"},
                                                  {"read_chat", "/chats/read"},
                                                  {"update_message_text", "/messages/text"},
                                                  {"update_message_status", "/messages/status"},
                                                  {"app_disabled", "/app-disabled"},
                                                  {"message_history", "/history"},
                                                  {"set_webhook", "/webhook"},
                                                  {"remove_webhook", "/webhook"},
                                                  {"bulk_send", "/bulk"}};

// Where the fake receives notice pushes (a developer's notice webhook, not a configuration's
// endpoint): it checks their signature with the secret set by set_notice_secret().
inline constexpr const char* kNoticeWebhookPath = "/notices";

class FakeProvider {
 public:
  // Multi-channel (one account, ch-1) and no tokens until add_token().
  explicit FakeProvider(const TempDir& dir, ProviderTls tls = {});

  std::uint16_t port() const { return port_; }
  std::uint16_t control_port() const { return control_port_; }
  // http(s)://127.0.0.1:<port>: a provider configuration's endpoints are this plus the path.
  std::string base_url() const;
  // The provider endpoints over plain HTTP (not with ProviderTls).
  Endpoint endpoint() const { return {"127.0.0.1", port_, {}}; }

  // A call to the control interface; `body` is JSON.
  HttpResponse control(const std::string& method, const std::string& path,
                       const std::string& body = {});
  // The requests received on `path` (every one when empty), oldest first; throws on failure.
  rapidjson::Document received(const std::string& path = {});
  rapidjson::Document state();
  void add_token(const std::string& token);
  // The signing secret a notice webhook registration answered with.
  void set_notice_secret(const std::string& secret);
  void set_mode(const ProviderMode& mode);
  // Stops the process and starts a new one on the same ports: everything it knew is gone.
  void restart();
  // Holds every request received so far to docs/openapi.yaml's `webhooks` (the provider side of
  // the contract): an endpoint documented with this method, the headers every call carries, and
  // a body that matches the documented schema and has no top-level field the schema does not
  // name, so that a field Switchboard starts sending fails here until the spec documents it.
  void expect_on_contract();

 private:
  void start();
  HttpResponse require_ok(const std::string& method, const std::string& path,
                          const std::string& body = {});

  const TempDir& dir_;
  ProviderTls tls_;
  std::uint16_t port_;
  std::uint16_t control_port_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace switchboard::tests::e2e::messaging
