#pragma once

// Delivery to providers on this node (docs/messaging.md, "Delivery to providers"): the reactor
// that turns messaging events into jobs on JetStream, and the worker that runs them (on the one
// node holding the delivery lock). NATS may be down when the server starts: start() returns at
// once and a background thread connects when it can, so the server serves (and /readyz tells)
// meanwhile; the events wait in the log, nothing is lost.

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "api/delivery/delivery_worker.hpp"
#include "api/http/metrics.hpp"
#include "api/nats/nats_client.hpp"
#include "api/wiring/delivery_outcomes.hpp"
#include "projections/runner.hpp"

namespace switchboard::api::wiring {

class DeliveryService {
 public:
  DeliveryService(eventstore::EventStore& store, delivery::DeliveryOutcomes& outcomes,
                  delivery::DeliverySettings settings, std::string nats_url);
  ~DeliveryService();
  DeliveryService(const DeliveryService&) = delete;
  DeliveryService& operator=(const DeliveryService&) = delete;

  void start();
  void stop();

  // Job counters on /metrics (zero until the worker runs).
  void add_metrics(http::Metrics& metrics);

  // The reactor's checkpoint, lag and owner, and whether this node runs it (not while NATS is
  // away). Queries the database.
  std::vector<projections::ProjectionStatus> reactor_status();

 private:
  void run();
  bool connect();

  eventstore::EventStore& store_;
  delivery::DeliveryOutcomes& outcomes_;
  delivery::DeliverySettings settings_;
  std::string nats_url_;

  std::unique_ptr<nats::NatsClient> nats_;
  std::unique_ptr<projections::ProjectionRunner> reactor_;
  std::unique_ptr<delivery::DeliveryWorker> worker_;
  std::mutex mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread connector_;
};

}  // namespace switchboard::api::wiring
