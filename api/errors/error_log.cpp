#include "api/errors/error_log.hpp"

#include <spdlog/spdlog.h>

#include <pqxx/pqxx>

#include "commands/access/access_commands.hpp"
#include "domain/json.hpp"
#include "eventstore/connection_pool.hpp"
#include "eventstore/sql_array.hpp"

namespace switchboard::api::errors {
namespace {

// A flood of bad requests must not grow memory without bound: past this, reports are counted
// and dropped (the count is logged).
constexpr std::size_t kMaxQueued = 100'000;
constexpr std::size_t kBatch = 1'000;
constexpr auto kPurgeEvery = std::chrono::hours{1};

std::string token_hash(std::string_view authorization) {
  constexpr std::string_view scheme = "Bearer ";
  if (authorization.size() <= scheme.size() ||
      !http::iequals(authorization.substr(0, scheme.size()), scheme)) {
    return {};
  }
  return commands::access::token_sha256(authorization.substr(scheme.size()));
}

// Problems are JSON; anything else a route might answer with is kept as its detail.
std::string as_json(const std::string& body) {
  if (!body.empty() && !domain::parse(body).HasParseError()) return body;
  return domain::json_object([&](domain::JsonWriter& w) { domain::put(w, "detail", body); });
}

}  // namespace

ErrorLog::ErrorLog(eventstore::ConnectionPool& pool, int retention_days)
    : pool_(pool), retention_days_(retention_days) {}

ErrorLog::~ErrorLog() {
  stop();
}

void ErrorLog::start() {
  writer_ = std::jthread{[this](std::stop_token stop) { run(stop); }};
}

void ErrorLog::stop() {
  if (!writer_.joinable()) return;
  writer_.request_stop();
  wake_.notify_all();
  writer_.join();
}

http::ErrorObserver ErrorLog::observer() {
  return [this](http::ErrorReport report) { record(std::move(report)); };
}

void ErrorLog::record(http::ErrorReport report) {
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= kMaxQueued) {
      ++dropped_;
      return;
    }
    queue_.push_back(std::move(report));
  }
  wake_.notify_one();
}

std::size_t ErrorLog::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

long ErrorLog::purge() {
  return pool_.with_connection([&](pqxx::connection& c) {
    pqxx::work tx(c);
    const auto r = tx.exec_params(
        "DELETE FROM error_log WHERE recorded_at < now() - make_interval(days => $1)",
        retention_days_);
    tx.commit();
    return static_cast<long>(r.affected_rows());
  });
}

bool ErrorLog::flush(std::deque<http::ErrorReport>& batch) {
  std::vector<std::string> methods, routes, request_ids, hashes, problems, statuses;
  for (const auto& r : batch) {
    methods.push_back(r.method);
    routes.push_back(r.route);
    request_ids.push_back(r.request_id);
    hashes.push_back(token_hash(r.authorization));
    problems.push_back(as_json(r.problem));
    statuses.push_back(std::to_string(r.status));
  }
  try {
    pool_.with_connection([&](pqxx::connection& c) {
      pqxx::work tx(c);
      // Who called is told by the token: a client token names its tenant and provider, even
      // after it was deactivated (that is when a provider most needs to see its 401s). Paths no
      // route took are kept only for a known token: anyone can make up paths, and a flood of
      // them must not become rows.
      tx.exec_params(
          "INSERT INTO error_log (source, tenant_id, provider_code, method, route, status,"
          " problem, request_id)"
          " SELECT 'public_api', c.tenant_id, c.provider_code, e.method, e.route, e.status,"
          " e.problem::jsonb, e.request_id"
          " FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[])"
          " AS e(method, route, status, problem, request_id, token_sha256)"
          " LEFT JOIN LATERAL (SELECT tenant_id, provider_code FROM messaging_connections m"
          "   WHERE m.token_sha256 = e.token_sha256 ORDER BY m.active DESC LIMIT 1) c ON true"
          " WHERE e.route <> $7 OR c.tenant_id IS NOT NULL",
          eventstore::sql_array(methods), eventstore::sql_array(routes),
          eventstore::sql_array(statuses), eventstore::sql_array(problems),
          eventstore::sql_array(request_ids), eventstore::sql_array(hashes), http::kUnmatchedRoute);
      tx.commit();
    });
    batch.clear();
    return true;
  } catch (const std::exception& e) {
    spdlog::warn("error log: {} reports not stored yet: {}", batch.size(), e.what());
    return false;
  }
}

void ErrorLog::run(std::stop_token stop) {
  auto next_purge = std::chrono::steady_clock::now();
  std::deque<http::ErrorReport> batch;
  std::size_t reported_drops = 0;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, stop, std::chrono::seconds{1},
                     [&] { return !queue_.empty() && batch.empty(); });
      while (!queue_.empty() && batch.size() < kBatch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      if (dropped_ != reported_drops) {
        spdlog::error("error log: {} reports dropped (queue full)", dropped_ - reported_drops);
        reported_drops = dropped_;
      }
    }
    // A failed batch is kept and retried: the database may be restarting.
    if (!batch.empty() && !flush(batch) && !stop.stop_requested()) {
      std::this_thread::sleep_for(std::chrono::seconds{1});
      continue;
    }
    if (std::chrono::steady_clock::now() >= next_purge) {
      try {
        if (const auto purged = purge(); purged > 0) {
          spdlog::info("error log: {} rows older than {} days purged", purged, retention_days_);
        }
        next_purge = std::chrono::steady_clock::now() + kPurgeEvery;
      } catch (const std::exception& e) {
        spdlog::warn("error log: purge failed: {}", e.what());
        next_purge = std::chrono::steady_clock::now() + std::chrono::minutes{1};
      }
    }
    if (stop.stop_requested()) {
      std::lock_guard lock(mutex_);
      if (queue_.empty()) return;
    }
  }
}

}  // namespace switchboard::api::errors
