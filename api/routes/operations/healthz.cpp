#include "api/routes/operations/operations.hpp"

namespace switchboard::api::routes::operations {

http::Handler healthz() {
  return [](const http::Request&) { return http::json(200, R"({"status":"ok"})"); };
}

}  // namespace switchboard::api::routes::operations
