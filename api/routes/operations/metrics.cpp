#include "api/routes/operations/operations.hpp"

namespace switchboard::api::routes::operations {

http::Handler metrics(const http::Metrics& metrics) {
  return [&metrics](const http::Request&) {
    return http::Response{.status = 200,
                          .content_type = "text/plain; version=0.0.4; charset=utf-8",
                          .body = metrics.render_prometheus(),
                          .headers = {}};
  };
}

}  // namespace switchboard::api::routes::operations
