#include "api/wiring/delivery_service.hpp"

#include <spdlog/spdlog.h>

#include "projections/messaging/delivery_reactor.hpp"
#include "projections/provider_platform/notice_push_reactor.hpp"
#include "projections/registry.hpp"

namespace switchboard::api::wiring {
namespace {

constexpr std::chrono::seconds reconnect_every{1};
constexpr std::chrono::seconds publish_ack_timeout{5};

}  // namespace

DeliveryService::DeliveryService(eventstore::EventStore& store,
                                 delivery::DeliveryOutcomes& outcomes,
                                 delivery::DeliverySettings settings, std::string nats_url)
    : store_(store),
      outcomes_(outcomes),
      settings_(std::move(settings)),
      nats_url_(std::move(nats_url)) {}

DeliveryService::~DeliveryService() {
  stop();
}

void DeliveryService::start() {
  std::lock_guard lock(mutex_);
  if (connector_.joinable()) return;
  stopping_ = false;
  connector_ = std::thread([this] { run(); });
}

void DeliveryService::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (connector_.joinable()) connector_.join();
  std::unique_ptr<delivery::DeliveryWorker> worker;
  std::unique_ptr<projections::ProjectionRunner> reactor;
  {
    std::lock_guard lock(mutex_);
    worker = std::move(worker_);
    reactor = std::move(reactor_);
  }
  if (worker) worker->stop();
  if (reactor) reactor->stop();
  worker.reset();
  reactor.reset();
  nats_.reset();
}

void DeliveryService::run() {
  std::unique_lock lock(mutex_);
  bool warned = false;
  while (!stopping_) {
    lock.unlock();
    const bool ready = connect();
    lock.lock();
    if (ready) return;
    if (!warned) spdlog::warn("delivery: waiting for NATS at {}", nats_url_);
    warned = true;
    stop_cv_.wait_for(lock, reconnect_every, [this] { return stopping_; });
  }
}

// True once the queue exists and the reactor and the worker run.
bool DeliveryService::connect() {
  std::string error;
  if (!nats_) {
    nats_ = nats::NatsClient::connect(nats_url_, error);
    if (!nats_) {
      spdlog::debug("delivery: NATS: {}", error);
      return false;
    }
  }
  if (!delivery::ensure_delivery_queue(*nats_, settings_, error)) {
    spdlog::warn("delivery: cannot set up the queue: {}", error);
    return false;
  }
  auto publisher = std::make_shared<nats::JetStreamPublisher>(*nats_, publish_ack_timeout);
  auto reactor = std::make_unique<projections::ProjectionRunner>(
      store_,
      std::vector<std::shared_ptr<projections::Projection>>{
          std::make_shared<projections::messaging::DeliveryReactor>(
              publisher, settings_.public_base_url, settings_.subject),
          std::make_shared<projections::provider_platform::NoticePushReactor>(publisher,
                                                                              settings_.subject)},
      projections::RunnerOptions{.database_url = settings_.database_url});
  auto worker = std::make_unique<delivery::DeliveryWorker>(*nats_, outcomes_, settings_);
  reactor->start();
  worker->start();
  std::lock_guard lock(mutex_);
  reactor_ = std::move(reactor);
  worker_ = std::move(worker);
  spdlog::info("delivery: queue {} ready", settings_.stream);
  return true;
}

std::vector<projections::ProjectionStatus> DeliveryService::reactor_status() {
  std::lock_guard lock(mutex_);
  if (reactor_) return reactor_->status();
  return projections::projection_status(settings_.database_url, projections::reactor_followers());
}

void DeliveryService::add_metrics(http::Metrics& metrics) {
  metrics.add_collector([this](http::PrometheusWriter& out) {
    using http::MetricType;
    std::lock_guard lock(mutex_);
    out.family("switchboard_delivery_jobs_total", MetricType::counter,
               "Delivery jobs (and retried attempts, deferred fetches) by outcome.");
    const delivery::DeliveryMetrics none;
    const auto& m = worker_ ? worker_->metrics() : none;
    out.sample({{"outcome", "delivered"}}, m.delivered.load());
    out.sample({{"outcome", "retried"}}, m.retried.load());
    out.sample({{"outcome", "expired"}}, m.expired.load());
    out.sample({{"outcome", "rejected"}}, m.rejected.load());
    out.sample({{"outcome", "dropped"}}, m.dropped.load());
    out.sample({{"outcome", "deferred"}}, m.deferred.load());
    out.family("switchboard_delivery_owner", MetricType::gauge,
               "1 while this node runs the delivery worker.");
    out.sample(worker_ && worker_->owner() ? 1 : 0);
  });
}

}  // namespace switchboard::api::wiring
