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
// A token found to be nobody's may be activated later: its unmatched paths are logged again
// after this long.
constexpr auto kUnknownTokenFor = std::chrono::minutes{1};
constexpr std::size_t kMaxUnknownTokens = 10'000;

std::string token_hash(std::string_view authorization) {
  const auto token = http::bearer_token(authorization);
  return token ? commands::access::token_sha256(*token) : std::string{};
}

// Problems are JSON; anything else a route might answer with is kept as its detail.
std::string as_json(const std::string& body) {
  if (!body.empty() && !domain::parse(body).HasParseError()) return body;
  return domain::json_object([&](domain::JsonWriter& w) { domain::put(w, "detail", body); });
}

}  // namespace

// Who called is told by the token: a client token names its tenant and provider, even after it
// was deactivated (that is when a provider most needs to see its 401s), so the lookup takes
// inactive connections too. Paths no route took are kept only for a known token: anyone can make
// up paths, and a flood of them must not become rows. The tokens of those not kept come back, to
// be remembered.
const char* const kStoreReports =
    "WITH e AS (SELECT r.*, c.tenant_id, c.provider_code"
    " FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[])"
    " AS r(method, route, status, problem, request_id, token_sha256)"
    " LEFT JOIN LATERAL (SELECT tenant_id, provider_code FROM messaging_connections m"
    "   WHERE m.token_sha256 = r.token_sha256 ORDER BY m.active DESC LIMIT 1) c ON true),"
    " kept AS (INSERT INTO error_log (source, tenant_id, provider_code, method, route,"
    "   status, problem, request_id)"
    "   SELECT 'public_api', tenant_id, provider_code, method, route, status,"
    "   problem::jsonb, request_id FROM e WHERE route <> $7 OR tenant_id IS NOT NULL)"
    " SELECT DISTINCT token_sha256 FROM e WHERE route = $7 AND tenant_id IS NULL";

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
  auto hash = token_hash(report.authorization);
  const bool unmatched = report.route == http::kUnmatchedRoute;
  {
    std::lock_guard lock(mutex_);
    if (unmatched) {
      // Anyone can make up paths: without a token that may be somebody's there is no row to add.
      if (hash.empty()) return;
      if (const auto it = unknown_tokens_.find(hash); it != unknown_tokens_.end()) {
        if (std::chrono::steady_clock::now() < it->second) return;
        unknown_tokens_.erase(it);
      }
    }
    if (queue_.size() >= kMaxQueued) {
      ++dropped_;
      return;
    }
    queue_.push_back({std::move(report), std::move(hash)});
  }
  wake_.notify_one();
}

void ErrorLog::remember_unknown(const std::vector<std::string>& token_hashes) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  for (const auto& hash : token_hashes) {
    if (unknown_tokens_.size() >= kMaxUnknownTokens) {
      std::erase_if(unknown_tokens_, [&](const auto& entry) { return entry.second <= now; });
      // Still full: a client cycling through tokens; forgetting them costs lookups, not rows.
      if (unknown_tokens_.size() >= kMaxUnknownTokens) unknown_tokens_.clear();
    }
    unknown_tokens_[hash] = now + kUnknownTokenFor;
  }
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

bool ErrorLog::flush(std::deque<Queued>& batch) {
  std::vector<std::string> methods, routes, request_ids, hashes, problems, statuses;
  for (const auto& [r, hash] : batch) {
    methods.push_back(r.method);
    routes.push_back(r.route);
    request_ids.push_back(r.request_id);
    hashes.push_back(hash);
    problems.push_back(as_json(r.problem));
    statuses.push_back(std::to_string(r.status));
  }
  try {
    std::vector<std::string> unknown;
    pool_.with_connection([&](pqxx::connection& c) {
      pqxx::work tx(c);
      const auto rows = tx.exec_params(
          kStoreReports, eventstore::sql_array(methods), eventstore::sql_array(routes),
          eventstore::sql_array(statuses), eventstore::sql_array(problems),
          eventstore::sql_array(request_ids), eventstore::sql_array(hashes), http::kUnmatchedRoute);
      tx.commit();
      for (const auto& row : rows) unknown.emplace_back(row[0].c_str());
    });
    batch.clear();
    remember_unknown(unknown);
    return true;
  } catch (const std::exception& e) {
    spdlog::warn("error log: {} reports not stored yet: {}", batch.size(), e.what());
    return false;
  }
}

void ErrorLog::run(std::stop_token stop) {
  auto next_purge = std::chrono::steady_clock::now();
  std::deque<Queued> batch;
  std::size_t reported_drops = 0;
  while (!stop.stop_requested()) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, stop, std::chrono::seconds{1},
                     [&] { return !queue_.empty() && batch.empty(); });
      take_batch(batch);
      if (dropped_ != reported_drops) {
        spdlog::error("error log: {} reports dropped (queue full)", dropped_ - reported_drops);
        reported_drops = dropped_;
      }
    }
    // A failed batch is kept and retried: the database may be restarting.
    if (!batch.empty() && !flush(batch)) {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, stop, std::chrono::seconds{1}, [] { return false; });
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
  }
  store_at_stop(batch);
}

void ErrorLog::take_batch(std::deque<Queued>& batch) {
  while (!queue_.empty() && batch.size() < kBatch) {
    batch.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
}

void ErrorLog::store_at_stop(std::deque<Queued>& batch) {
  // Each batch gets one try: a database that refuses one now is not waited for, and what it
  // would not take is counted as dropped.
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      take_batch(batch);
    }
    if (batch.empty() || !flush(batch)) break;
  }
  std::lock_guard lock(mutex_);
  const auto lost = batch.size() + queue_.size();
  if (lost == 0) return;
  dropped_ += lost;
  queue_.clear();
  spdlog::error("error log: {} reports not stored at stop: the database cannot be reached", lost);
}

}  // namespace switchboard::api::errors
