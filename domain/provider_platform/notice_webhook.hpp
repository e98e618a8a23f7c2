#pragma once

// Where a provider's developer wants update notices pushed (seed 000, "Удобство" 3: providers
// are told of updates without having to poll): one HTTPS URL per developer account, stream
// "noticewebhook-<developer_id>". Each registration comes with a new signing secret, which the
// log holds sealed (the route seals it; the domain only carries it).

#include <string>

#include "domain/decision.hpp"

namespace switchboard::domain::provider_platform {

struct NoticeWebhook {
  struct State {
    bool registered = false;
    std::string url;
  };
  static constexpr std::string_view category = "noticewebhook";
  static void apply(State& s, std::string_view type, std::string_view data);
};

// Registers the webhook, or replaces the one registered (its URL and its secret).
struct RegisterNoticeWebhook {
  std::string developer_id;
  std::string url;
  std::string secret_sealed;
};
// Refused naming `/url` unless it is an absolute https URL (plain http only to a loopback host,
// the rule for every provider endpoint).
Decision decide(const NoticeWebhook::State& s, const RegisterNoticeWebhook& c);

struct RemoveNoticeWebhook {
  std::string developer_id;
};
// Not found while none is registered.
Decision decide(const NoticeWebhook::State& s, const RemoveNoticeWebhook& c);

}  // namespace switchboard::domain::provider_platform
