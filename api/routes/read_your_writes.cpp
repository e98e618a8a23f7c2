#include "api/routes/read_your_writes.hpp"

#include <spdlog/spdlog.h>

#include "projections/checkpoint.hpp"

namespace switchboard::api::routes {

bool wait_for_projection(eventstore::ConnectionPool& read_models, std::string_view projection,
                         std::int64_t position, std::chrono::milliseconds timeout) {
  if (position <= 0) return true;
  try {
    if (projections::wait_applied(read_models, std::string(projection), position, timeout)) {
      return true;
    }
  } catch (const std::exception& e) {
    spdlog::warn("waiting for projection {}: {}", projection, e.what());
    return false;
  }
  spdlog::warn("projection {} did not reach position {} within {} ms", projection, position,
               timeout.count());
  return false;
}

}  // namespace switchboard::api::routes
