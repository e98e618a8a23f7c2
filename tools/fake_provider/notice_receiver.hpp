#pragma once

// The developer's notice webhook (docs/guides/provider-integration, "Update notices"):
// POST /notices on the provider port, checked the way the guide tells providers to check it.
// It carries no client token: a push is accepted only with X-Switchboard-Timestamp within five
// minutes of now and X-Switchboard-Signature = hex HMAC-SHA256(secret, timestamp + "." + body),
// under the secret the registration answered with (given to the fake through the control port).
// A push without a secret set, badly signed or stale is refused with 401 and not kept.

#include <string>
#include <vector>

#include "tools/fake_provider/http_listener.hpp"
#include "tools/fake_provider/json.hpp"

namespace switchboard::tools::fake_provider {

class NoticeReceiver {
 public:
  static constexpr std::string_view path = "/notices";

  void set_secret(std::string secret) { secret_ = std::move(secret); }
  Answer handle(const Request& request);

  // "notice_secret":bool,"notices":[{"idempotency_key","notice":{the body}}...], oldest first:
  // the pushes accepted (a repeat of an Idempotency-Key is FakeProvider's, and not kept again).
  void write_state(JsonWriter& writer) const;

 private:
  std::string secret_;
  std::vector<std::pair<std::string, std::string>> accepted_;  // (Idempotency-Key, body)
};

}  // namespace switchboard::tools::fake_provider
