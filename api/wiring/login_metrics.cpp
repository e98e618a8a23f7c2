#include "api/wiring/login_metrics.hpp"

namespace switchboard::api::wiring {

void add_login_metrics(http::Metrics& metrics, const cti::LoginQueue& logins) {
  metrics.add_collector([&logins](http::PrometheusWriter& out) {
    using http::MetricType;
    const auto s = logins.stats();
    out.family("switchboard_cti_logins_total", MetricType::counter,
               "CTI logins by outcome: served (password checked), refused (503 at once: the "
               "queue was full), abandoned (the client had gone before its turn: not checked).");
    out.sample({{"outcome", "served"}}, s.served);
    out.sample({{"outcome", "refused"}}, s.refused);
    out.sample({{"outcome", "abandoned"}}, s.abandoned);
    out.family("switchboard_cti_login_queue", MetricType::gauge,
               "CTI logins waiting for a worker or running.");
    out.sample({{"state", "waiting"}}, s.waiting);
    out.sample({{"state", "running"}}, s.running);
    out.family("switchboard_cti_login_seconds", MetricType::gauge,
               "How long a CTI login holds a worker, as the queue estimates it to admit logins.");
    out.sample(std::chrono::duration<double>(s.login_time).count());
  });
}

}  // namespace switchboard::api::wiring
