#pragma once

#include <chrono>
#include <string>

#include "api/crypto/sealed_box.hpp"
#include "api/delivery/provider_client.hpp"

namespace switchboard::api::delivery {

// The delivery rules' timings (seed 000, "Надежность"/"Отказоустойчивость"; docs/messaging.md)
// and where the queue lives. Tests shorten the timings.
struct DeliveryPolicy {
  // No answer (or 408/429/5xx): the next quick attempt after this long...
  std::chrono::milliseconds retry_delay{5'000};
  // ...up to this many quick attempts; then the provider counts as unavailable...
  int max_attempts = 3;
  // ...and the lane is retried this often until the provider answers...
  std::chrono::milliseconds unavailable_retry{30'000};
  // ...or until this long after the job's created_at: then it is not sent (expired).
  std::chrono::milliseconds expiry{3'600'000};
  // The deactivation notice (remove_webhook, app_disabled) is what tells a provider to stop: it
  // waits for a provider that is down this long instead (the lane's later work waits behind it, as
  // it would anyway).
  std::chrono::milliseconds notice_expiry{std::chrono::hours{24 * 7}};
};

struct DeliverySettings {
  DeliveryPolicy policy;
  std::chrono::milliseconds request_timeout{10'000};
  // Lanes whose head runs at the same time (one thread each: provider calls block)...
  int concurrency = 32;
  // ...of them at most this many to one provider, so a provider that does not answer holds only
  // its own share of the calls (docs/messaging.md, "Fairness between providers").
  int provider_concurrency = 16;

  std::string database_url;
  crypto::Key secret_key{};
  // What set_webhook tells providers (messaging.public_base_url); empty: it is not called.
  std::string public_base_url;
  // Extra trusted CA certificates for provider HTTPS (tests use it for a self-signed peer) and
  // the client certificate presented to providers.
  ProviderTls tls;

  std::string stream = "SWITCHBOARD_DELIVERY";
  std::string subject = "switchboard.delivery";
  std::string consumer = "delivery-worker";
  // A held job's ack deadline; the worker extends it (in-progress acks) while a job waits, so
  // only a dead worker's jobs come back after it: how long a crashed owner's work waits.
  std::chrono::milliseconds ack_wait{60'000};
  // The reactor republishes after a crash: the broker stores an event id once within this window.
  std::chrono::seconds duplicate_window{3'600};
  // Fetched but unfinished jobs kept in memory; the broker holds the rest. Once the hold is full,
  // a provider's further jobs go back to the broker for a while while it has its equal share:
  // fetching goes on for the other providers. A job goes back for half the ack wait the first
  // time, twice as long each further time, at most max_defer_delay (fairness.hpp, defer_delay).
  int max_held = 10'000;
  std::chrono::milliseconds max_defer_delay{300'000};
  // How often the node checks (or contends for) the advisory lock that makes it the worker.
  std::chrono::milliseconds ownership_check{1'000};
};

}  // namespace switchboard::api::delivery
