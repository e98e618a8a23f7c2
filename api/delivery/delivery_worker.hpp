#pragma once

// Delivery of outbound work to providers (docs/messaging.md, "Delivery to providers").
//
// Jobs come from the JetStream stream SWITCHBOARD_DELIVERY through a durable pull consumer with
// explicit acks. Fetched jobs wait in per-lane FIFO queues in stream order; lane heads run at the
// same time on a pool of threads, later jobs of a lane wait behind their head, so a chat's
// messages reach the provider in order. A job is acknowledged only after its outcome is recorded;
// until then its ack deadline is extended (in-progress acks) while it waits.
//
// Calls and the hold are shared between providers (fairness.hpp): each provider has at most
// provider_concurrency calls running, handed out round-robin; once the hold is full, a provider
// with its equal share gets its further jobs nak'ed with a delay instead of held (and so do the
// later jobs of their lanes), so fetching goes on for everyone else. The delay grows each time a
// job of a stuck provider comes back (fairness.hpp, defer_delay); one the broker lost meanwhile
// is looked for there, so its lane does not wait for it for ever.
//
// One node of the cluster delivers: the one holding the PostgreSQL advisory lock
// 'switchboard delivery' on a session of its own (the lock goes with the node or its session,
// and another node takes over within about a second). A new owner runs nothing until the jobs the
// previous owner held have come back to it, or, after the ack wait, makes the consumer anew (it
// then delivers every job still queued from the oldest), so per-lane order holds across nodes
// too.

#include <condition_variable>
#include <memory>
#include <mutex>
#include <pqxx/connection>
#include <string>
#include <thread>

#include "api/delivery/metrics.hpp"
#include "api/delivery/outcomes.hpp"
#include "api/delivery/settings.hpp"

namespace switchboard::api::nats {
class NatsClient;
}

namespace switchboard::api::delivery {

// Creates the stream (work-queue retention: an acknowledged job is deleted; de-duplication by
// Nats-Msg-Id within settings.duplicate_window) and the durable consumer, or updates them to
// these settings. Call it where the DeliveryReactor runs too (every node), so publishing does
// not depend on which node owns the worker.
bool ensure_delivery_queue(nats::NatsClient& client, const DeliverySettings& settings,
                           std::string& error);

class DeliveryWorker {
 public:
  // Opens nothing: start() does.
  DeliveryWorker(nats::NatsClient& nats, DeliveryOutcomes& outcomes, DeliverySettings settings);
  ~DeliveryWorker();
  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

  // Contends for the ownership now and keeps contending in the background.
  void start();
  // Lets calls in flight finish (each has its timeout), hands the held jobs back to the broker
  // (so the next owner gets them at once) and gives up the ownership.
  void stop();

  bool owner() const;
  const DeliveryMetrics& metrics() const { return metrics_; }

  class Consumer;  // the work while this node is the owner

 private:
  void keep_ownership();
  void try_take_ownership();
  // `orderly`: this node still holds the lock (stop()), not a lost session.
  void lose_ownership(bool orderly);

  nats::NatsClient& nats_;
  DeliveryOutcomes& outcomes_;
  DeliverySettings settings_;
  DeliveryMetrics metrics_;
  std::unique_ptr<pqxx::connection> lock_connection_;  // the ownership thread's only
  std::unique_ptr<Consumer> consumer_;                 // set while this node is the owner
  mutable std::mutex mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread ownership_;
};

}  // namespace switchboard::api::delivery
