#pragma once

// Operations endpoints: liveness, readiness and metrics. Paths are bound in api/routes/routes.cpp.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "api/http/metrics.hpp"
#include "api/http/types.hpp"

namespace switchboard::api::routes::operations {

struct ReadinessCheck {
  // Named in the 503 problem: "database", "nats".
  std::string name;
  // nullopt when ready, else why not. Must return within a few seconds and must not throw
  // (an exception is reported as a failure anyway).
  std::function<std::optional<std::string>()> check;
};

using ReadinessChecks = std::vector<ReadinessCheck>;

// 200 {"status":"ok"} while the process serves requests.
http::Handler healthz();

// 200 {"status":"ok","checks":{name:"ok"}} when every check passes, else a 503 problem with one
// error per failing check.
http::Handler readyz(ReadinessChecks checks);

// The registry in the Prometheus text format.
http::Handler metrics(const http::Metrics& metrics);

}  // namespace switchboard::api::routes::operations
