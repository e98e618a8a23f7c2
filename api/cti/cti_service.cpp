#include "api/cti/cti_service.hpp"

#include <spdlog/spdlog.h>

#include <pqxx/pqxx>
#include <set>

#include "commands/cti/password.hpp"
#include "eventstore/connection_pool.hpp"

namespace switchboard::api::cti {
namespace {

constexpr const char* take_lock = "SELECT pg_try_advisory_lock(hashtext('switchboard cti owner'))";
constexpr auto ownership_check = std::chrono::seconds{1};
constexpr std::uint64_t reconcile_every = 5;  // ownership checks
// How long a login attached at a login is kept without an open session in the projection (which
// may not have applied the new session yet).
constexpr std::chrono::seconds fresh_attach_grace{10};

// How long a password check takes on this host: the login queue's estimate until logins are
// timed.
std::chrono::microseconds time_a_hash() {
  const auto start = std::chrono::steady_clock::now();
  commands::cti::hash_password("switchboard: timing a hash");
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                               start);
}

}  // namespace

CtiService::CtiService(eventstore::EventStore& store, CtiSettings settings)
    : settings_(std::move(settings)),
      agents_(store),
      sessions_(store, agents_),
      lines_(store),
      recorder_(store),
      connector_(settings_.connector,
                 [this](const std::string& login, std::string message) {
                   recorder_.record(login, std::move(message));
                 }),
      feed_(settings_.database_url),
      pool_(std::make_unique<eventstore::ConnectionPool>(settings_.database_url, 2)),
      relay_(settings_.nats_url, settings_.nats_prefix,
             settings_.connector.command_timeout + std::chrono::seconds{2}),
      logins_(settings_.logins, time_a_hash()) {}

CtiService::~CtiService() {
  finish();
}

void CtiService::start() {
  feed_.start();
  try_take_ownership();
  ownership_ = std::thread([this] { keep_ownership(); });
}

void CtiService::stop() {
  {
    std::lock_guard lock(stop_mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (ownership_.joinable()) ownership_.join();
  lose_ownership();
  feed_.stop();
  recorder_.wait_idle(std::chrono::seconds{5});
}

void CtiService::finish() {
  stop();
  // In the order work is handed on: a login attaches through the relay, a command goes through
  // it, and its answer may post to work_. What reaches a pool already finished is dropped.
  logins_.stop();
  relay_.stop();
  work_.stop();
}

void CtiService::keep_ownership() {
  std::uint64_t ticks = 0;
  std::unique_lock lock(stop_mutex_);
  while (!stop_cv_.wait_for(lock, ownership_check, [this] { return stopping_; })) {
    lock.unlock();
    if (!owner_) {
      try_take_ownership();
    } else {
      try {
        pqxx::nontransaction(*lock_connection_).exec("SELECT 1");
        // Sessions the projection had not applied when ownership began, or whose attach
        // request was lost between nodes, are attached now (attaching twice is harmless); logins
        // whose sessions were ended elsewhere (switchboard-admin) or expired are detached.
        if (++ticks % reconcile_every == 0) reconcile_attachments();
      } catch (const std::exception& e) {
        // The lock went with the session: another node may hold it now.
        spdlog::warn("cti: lost the ownership's database session ({}); stepping down", e.what());
        lose_ownership();
      }
    }
    lock.lock();
  }
}

void CtiService::try_take_ownership() {
  try {
    if (!lock_connection_)
      lock_connection_ = std::make_unique<pqxx::connection>(settings_.database_url);
    if (!pqxx::nontransaction(*lock_connection_).exec(take_lock)[0][0].as<bool>()) return;
  } catch (const std::exception& e) {
    spdlog::warn("cti: cannot contend for the CTI ownership: {}", e.what());
    lock_connection_.reset();
    return;
  }
  spdlog::info("cti: this node holds the CTI connection");
  owner_ = true;
  reconcile_attachments();
  connector_.start();
  const bool relaying = relay_.serve(
      [this](const std::string&, std::string rid, std::string message,
             std::function<void(Reply)> done) {
        connector_.send(std::move(rid), std::move(message), std::move(done));
      },
      [this](const std::string& login, std::function<void(Reply)> done) {
        connector_.attach(login, std::move(done));
      },
      [this](const std::string& login) { connector_.detach(login); });
  if (!relaying) spdlog::warn("cti: other nodes cannot reach the CTI connection through this one");
}

void CtiService::lose_ownership() {
  if (!owner_.exchange(false)) return;
  relay_.stop_serving();
  connector_.stop();
  lock_connection_.reset();
}

void CtiService::reconcile_attachments() {
  try {
    const auto rows = pool_->with_connection([](pqxx::connection& c) {
      pqxx::read_transaction tx(c);
      // A disabled or rebound agent's sessions no longer count, also one the operator could not
      // end.
      return tx.exec(
          "SELECT DISTINCT s.cti_login FROM cti_sessions s JOIN cti_agents a"
          " ON a.login = s.agent_login AND a.cti_login = s.cti_login"
          " WHERE s.ended_at IS NULL AND s.expires_at > now() AND a.enabled");
    });
    std::set<std::string> open;
    for (const auto& row : rows) open.insert(row[0].as<std::string>());
    spdlog::debug("cti: {} login(s) with open sessions to attach", open.size());
    connector_.reconcile(std::move(open), fresh_attach_grace);
  } catch (const std::exception& e) {
    // The logins attach again as their agents log in; none is detached on a failed read.
    spdlog::warn("cti: cannot read open sessions: {}", e.what());
  }
}

void CtiService::send(const std::string& cti_login, std::string rid, std::string message,
                      std::function<void(Reply)> done) {
  if (owner_) return connector_.send(std::move(rid), std::move(message), std::move(done));
  relay_.forward_command(cti_login, std::move(rid), std::move(message), std::move(done));
}

void CtiService::attach(const std::string& cti_login, std::function<void(Reply)> done) {
  if (owner_) return connector_.attach(cti_login, std::move(done));
  relay_.forward_attach(cti_login, std::move(done));
}

commands::CommandOutcome CtiService::end_session(const commands::cti::AuthenticatedAgent& agent,
                                                 const std::string& reason,
                                                 const commands::CommandContext& context) {
  auto outcome = sessions_.logout(agent, reason, context);
  if (outcome.ok()) release(agent.cti_login, agent.session_id);
  return outcome;
}

void CtiService::release(const std::string& cti_login, const std::string& ended_session_id) {
  try {
    const auto others = pool_->with_connection([&](pqxx::connection& c) {
      pqxx::read_transaction tx(c);
      return tx
          .exec_params(
              "SELECT count(*) FROM cti_sessions WHERE cti_login = $1 AND session_id <> $2"
              " AND ended_at IS NULL AND expires_at > now()",
              cti_login, ended_session_id)[0][0]
          .as<long>();
    });
    if (others > 0) return;
    if (owner_) return connector_.detach(cti_login);
    relay_.forward_detach(cti_login);
  } catch (const std::exception& e) {
    spdlog::warn("cti: cannot tell whether {} is still in use ({}); staying attached", cti_login,
                 e.what());
  }
}

}  // namespace switchboard::api::cti
