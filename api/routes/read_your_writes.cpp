#include "api/routes/read_your_writes.hpp"

#include <spdlog/spdlog.h>

#include <pqxx/pqxx>
#include <thread>

#include "eventstore/connection_pool.hpp"
#include "projections/checkpoint.hpp"

namespace switchboard::api::routes {

bool wait_for_projection(eventstore::ConnectionPool& read_models, std::string_view projection,
                         std::int64_t position, std::chrono::milliseconds timeout) {
  if (position <= 0) return true;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  try {
    for (;;) {
      const bool applied = read_models.with_connection([&](pqxx::connection& c) {
        pqxx::nontransaction tx(c);
        return projections::applied(tx, std::string(projection), position);
      });
      if (applied) return true;
      if (std::chrono::steady_clock::now() >= deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
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
