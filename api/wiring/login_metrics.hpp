#pragma once

#include "api/cti/login_queue.hpp"
#include "api/http/metrics.hpp"

namespace switchboard::api::wiring {

// The CTI login queue on /metrics, read at each scrape: logins by outcome (served, refused,
// abandoned), those waiting and running, and the time per login admissions go by.
void add_login_metrics(http::Metrics& metrics, const cti::LoginQueue& logins);

}  // namespace switchboard::api::wiring
