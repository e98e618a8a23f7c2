#include "projections/runner.hpp"

#include <spdlog/spdlog.h>

#include <optional>
#include <pqxx/pqxx>

#include "eventstore/sql_array.hpp"
#include "projections/checkpoint.hpp"
#include "projections/ownership.hpp"

namespace switchboard::projections {

struct ProjectionRunner::Worker {
  std::shared_ptr<Projection> projection;
  std::thread thread;
  std::mutex mutex;
  std::string last_error;
  std::atomic<bool> owned{false};
  std::optional<eventstore::Notifier::Reader> notifier;
};

ProjectionRunner::ProjectionRunner(eventstore::EventStore& store,
                                   std::vector<std::shared_ptr<Projection>> list,
                                   RunnerOptions options)
    : store_(store), options_(std::move(options)) {
  std::vector<std::string> names;
  for (const auto& p : list) names.push_back(p->name());
  check_ownership_keys(names);
  for (auto& p : list) {
    auto w = std::make_unique<Worker>();
    w->projection = std::move(p);
    workers_.push_back(std::move(w));
  }
}

ProjectionRunner::~ProjectionRunner() {
  stop();
}

void ProjectionRunner::start() {
  if (running_.exchange(true)) return;
  notifier_ = std::make_unique<eventstore::Notifier>(options_.database_url);
  for (auto& w : workers_) {
    w->notifier.emplace(*notifier_, w->projection->name(), w->projection->filter().types);
    w->thread = std::thread([this, &w = *w] { run(w); });
  }
}

void ProjectionRunner::stop() {
  {
    std::lock_guard lock(stop_mutex_);
    if (!running_.exchange(false)) return;
  }
  stopped_.notify_all();
  notifier_->wake_all();
  for (auto& w : workers_) {
    if (w->thread.joinable()) w->thread.join();
    w->notifier.reset();
  }
  notifier_.reset();
}

void ProjectionRunner::run(Worker& w) {
  const auto name = w.projection->name();
  // The connection's session holds the ownership lock: closing it hands the projection over.
  std::unique_ptr<pqxx::connection> connection;
  // The session that took the lock: libpqxx silently reconnects a broken connection on its next
  // use, and the new session owns nothing.
  int lock_session = 0;
  std::chrono::milliseconds backoff{100};
  while (running_) {
    try {
      if (!connection) {
        connection = std::make_unique<pqxx::connection>(options_.database_url);
        // A read model and its checkpoint commit together and can always be projected again
        // from the log: a crash may lose the last batches, never split one. So they need not
        // wait for the WAL flush, which the event appends then have to themselves. Set for the
        // session (this connection only applies the projection): a statement less per page.
        connection->set_variable("synchronous_commit", "off");
        // The plans of these sessions' statements do not depend on their parameters (the batch
        // writes take their rows as one array, the rest look rows up by key), so a custom plan
        // is the generic one planned again: 550 µs for the messaging projection's message insert,
        // on most batches. Left to choose, PostgreSQL kept choosing custom plans for it: it
        // compares the generic plan's cost with the average custom plan's since the statement was
        // prepared, when the tables were small, and the cost grows with them. Every statement
        // run here, prepared or not, has a generic plan of index lookups (docs/benchmarks.md).
        connection->set_variable("plan_cache_mode", "force_generic_plan");
      }
      if (!w.owned) {
        if (!try_take_ownership(*connection, name)) {
          // Another node applies it; contend again a poll interval later.
          pause(options_.poll_interval);
          continue;
        }
        lock_session = connection->backendpid();
        w.owned = true;
        spdlog::info("projection {}: this node applies it", name);
      }
      Checkpoint from;
      {
        pqxx::work tx(*connection);
        from = load_checkpoint(tx, name);
        tx.commit();
      }
      // Keep applying until the log is drained, then sleep until woken (or the poll interval).
      const auto filter = w.projection->filter();
      while (running_) {
        const auto page = store_.read_page(from.position, options_.batch_size, filter);
        w.notifier->read_through(page.reached.tx_id);
        if (page.scanned == 0) {
          w.notifier->wait_for(options_.poll_interval);
          continue;
        }
        Checkpoint to{page.reached, from.events_applied + page.scanned};
        const auto check_session = [&] {
          if (connection->backendpid() != lock_session) {
            throw std::runtime_error("lost the database session holding its ownership lock");
          }
        };
        bool moved = false;
        if (page.events.empty()) {
          // Nothing to apply (most pages of most projections: each reads every batch of the
          // log): the checkpoint's update commits on its own, without BEGIN's and COMMIT's
          // round trips. Moving a checkpoint over events the projection does not want is right
          // whichever session does it, and the compare-and-swap still refuses a moved one.
          pqxx::nontransaction tx(*connection);
          moved = advance_checkpoint(tx, name, from, to);
          check_session();
        } else {
          w.projection->prepare(*connection, page.events);
          pqxx::work tx(*connection);
          check_session();
          w.projection->apply(tx, page.events);
          moved = advance_checkpoint(tx, name, from, to);
          if (moved) {
            tx.commit();
          } else {
            tx.abort();
          }
        }
        // Moved under us (a rebuild swapped the tables): drop this batch, start from theirs.
        if (!moved) break;
        from = to;
        backoff = std::chrono::milliseconds{100};
        {
          std::lock_guard lock(w.mutex);
          w.last_error.clear();
        }
        // A short page drained the log as far as this reader may see it: what was appended since
        // notified the listener meanwhile, and the wait returns at once for it. Reading again
        // first found nothing nearly every time, a page read per projection and batch.
        if (page.scanned < options_.batch_size) w.notifier->wait_for(options_.poll_interval);
      }
    } catch (const std::exception& e) {
      spdlog::error("projection {}: {}", name, e.what());
      {
        std::lock_guard lock(w.mutex);
        w.last_error = e.what();
      }
      // Reconnect after any failure: a connection that failed mid-transaction is not worth
      // diagnosing, and the checkpoint is reloaded from the database either way. The lock goes
      // with the session, so another node may take the projection over meanwhile.
      connection.reset();
      w.owned = false;
      pause(backoff);
      backoff = std::min(backoff * 2, std::chrono::milliseconds{5000});
    }
  }
  w.owned = false;
}

std::vector<Follower> ProjectionRunner::followers() const {
  std::vector<Follower> out;
  for (const auto& w : workers_) out.push_back(follower_of(*w->projection));
  return out;
}

void ProjectionRunner::pause(std::chrono::milliseconds duration) {
  std::unique_lock lock(stop_mutex_);
  stopped_.wait_for(lock, duration, [this] { return !running_; });
}

std::vector<ProjectionStatus> projection_status(const std::string& database_url,
                                                const std::vector<Follower>& followers) {
  pqxx::connection c(database_url);
  pqxx::read_transaction tx(c);
  std::vector<std::string> names;
  for (const auto& f : followers) names.push_back(f.name);
  auto owners = projection_owners(tx, names);
  std::vector<ProjectionStatus> out;
  for (const auto& f : followers) {
    ProjectionStatus s;
    s.name = f.name;
    s.owner = std::move(owners[f.name]);
    const auto types = f.types.empty() ? std::optional<std::string>{}
                                       : std::optional{eventstore::sql_array(f.types)};
    // Visible events past the checkpoint (from the start without one) of the types it reads.
    const auto rows = tx.exec_params(
        "WITH cp AS (SELECT coalesce(cp.epoch, 0) AS epoch, coalesce(cp.tx_id, '0'::xid8) AS tx_id,"
        "    coalesce(cp.global_position, 0) AS global_position, cp.events_applied,"
        "    cp.name IS NOT NULL AS recorded"
        "  FROM (SELECT $1::text AS name) n LEFT JOIN projection_checkpoints cp ON cp.name = "
        "n.name),"
        " behind AS (SELECT count(*) AS n, min(b.recorded_at) AS oldest FROM (SELECT e.recorded_at"
        "  FROM events e, cp"
        "  WHERE (e.epoch, e.tx_id, e.global_position) > (cp.epoch, cp.tx_id, cp.global_position)"
        "    AND e.tx_id < pg_snapshot_xmin(pg_current_snapshot())"
        "    AND ($2::text[] IS NULL OR e.event_type = ANY ($2::text[]))"
        "  LIMIT 10000000) b)"
        " SELECT cp.recorded, cp.epoch, cp.tx_id::text, cp.global_position, cp.events_applied,"
        "  behind.n, coalesce(extract(epoch FROM now() - behind.oldest), 0)"
        " FROM cp, behind",
        f.name, types);
    const auto row = rows[0];
    if (row[0].as<bool>()) {
      s.checkpoint = {row[1].as<std::int32_t>(), row[2].as<std::uint64_t>(),
                      row[3].as<std::int64_t>()};
      s.events_applied = row[4].as<std::uint64_t>();
    }
    s.events_behind = row[5].as<std::int64_t>();
    s.seconds_behind = row[6].as<double>();
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<ProjectionStatus> ProjectionRunner::status() {
  auto out = projection_status(options_.database_url, followers());
  for (std::size_t i = 0; i < out.size(); ++i) {
    std::lock_guard lock(workers_[i]->mutex);
    out[i].last_error = workers_[i]->last_error;
    out[i].owned = workers_[i]->owned;
  }
  return out;
}

bool ProjectionRunner::wait_caught_up(std::chrono::milliseconds timeout) {
  // Everything committed so far, including what an older transaction elsewhere in the cluster
  // still hides from readers.
  const auto target = store_.committed_head();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const auto followed = followers();
  // Projections that want none of the last events pass them only when woken.
  pqxx::connection c(options_.database_url);
  auto next_wake = std::chrono::steady_clock::now();
  for (auto now = next_wake; now < deadline; now = std::chrono::steady_clock::now()) {
    if (now >= next_wake) {
      pqxx::nontransaction tx(c);
      eventstore::wake_readers(tx, "");
      next_wake = now + eventstore::kWakeAgain;
    }
    bool all = true;
    for (const auto& s : projection_status(options_.database_url, followed)) {
      if (s.checkpoint < target) all = false;
    }
    if (all) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace switchboard::projections
