#include "projections/checkpoint.hpp"

#include <pqxx/pqxx>
#include <thread>

#include "eventstore/connection_pool.hpp"
#include "eventstore/notifier.hpp"

namespace switchboard::projections {
namespace {

// `ask(question)` runs question(connection) on some connection.
template <class Ask>
bool poll_applied(Ask&& ask, const std::string& name, std::int64_t global_position,
                  std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const auto question = [&](pqxx::connection_base& c) {
    pqxx::nontransaction tx(c);
    return applied(tx, name, global_position);
  };
  // A projection that wants none of the events up to the position passes them only when woken.
  const auto wake = [&](pqxx::connection_base& c) {
    pqxx::nontransaction tx(c);
    eventstore::wake_readers(tx, name);
    return true;
  };
  auto next_wake = std::chrono::steady_clock::now();
  while (!ask(question)) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    if (now >= next_wake) {
      ask(wake);
      next_wake = now + eventstore::kWakeAgain;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  }
  return true;
}

}  // namespace

Checkpoint load_checkpoint(pqxx::transaction_base& tx, const std::string& name) {
  tx.exec_params(
      "INSERT INTO projection_checkpoints (name) VALUES ($1) ON CONFLICT (name) DO NOTHING", name);
  const auto rows = tx.exec_params(
      "SELECT epoch, tx_id::text, global_position, events_applied FROM projection_checkpoints "
      "WHERE name = $1",
      name);
  Checkpoint cp;
  cp.position.epoch = rows[0][0].as<std::int32_t>();
  cp.position.tx_id = rows[0][1].as<std::uint64_t>();
  cp.position.global_position = rows[0][2].as<std::int64_t>();
  cp.events_applied = rows[0][3].as<std::uint64_t>();
  return cp;
}

bool advance_checkpoint(pqxx::transaction_base& tx, const std::string& name, const Checkpoint& from,
                        const Checkpoint& to) {
  // Prepared: every page of every projection moves its checkpoint, and parsing and planning the
  // statement each time cost more than running it.
  tx.conn().prepare(
      "switchboard_advance_checkpoint",
      "UPDATE projection_checkpoints SET epoch = $2, tx_id = $3::text::xid8, global_position = $4,"
      " events_applied = $5, updated_at = now()"
      " WHERE name = $1 AND epoch = $6 AND tx_id = $7::text::xid8 AND global_position = $8");
  const auto r = tx.exec_prepared(
      "switchboard_advance_checkpoint", name, to.position.epoch, std::to_string(to.position.tx_id),
      to.position.global_position, static_cast<std::int64_t>(to.events_applied),
      from.position.epoch, std::to_string(from.position.tx_id), from.position.global_position);
  return r.affected_rows() == 1;
}

void store_checkpoint(pqxx::transaction_base& tx, const std::string& name, const Checkpoint& cp) {
  tx.exec_params(
      "INSERT INTO projection_checkpoints (name, epoch, tx_id, global_position, events_applied)"
      " VALUES ($1, $2, $3::text::xid8, $4, $5)"
      " ON CONFLICT (name) DO UPDATE SET epoch = excluded.epoch, tx_id = excluded.tx_id,"
      " global_position = excluded.global_position, events_applied = excluded.events_applied,"
      " updated_at = now()",
      name, cp.position.epoch, std::to_string(cp.position.tx_id), cp.position.global_position,
      static_cast<std::int64_t>(cp.events_applied));
}

bool applied(pqxx::transaction_base& tx, const std::string& name, std::int64_t global_position) {
  return tx
      .exec_params1(
          "SELECT EXISTS (SELECT 1 FROM projection_checkpoints p"
          " JOIN events e ON e.global_position = $2 WHERE p.name = $1"
          " AND (p.epoch, p.tx_id, p.global_position) >= (e.epoch, e.tx_id, e.global_position))",
          name, global_position)[0]
      .as<bool>();
}

bool wait_applied(pqxx::connection_base& c, const std::string& name, std::int64_t global_position,
                  std::chrono::milliseconds timeout) {
  return poll_applied([&](const auto& question) { return question(c); }, name, global_position,
                      timeout);
}

bool wait_applied(eventstore::ConnectionPool& pool, const std::string& name,
                  std::int64_t global_position, std::chrono::milliseconds timeout) {
  return poll_applied([&](const auto& question) { return pool.with_connection(question); }, name,
                      global_position, timeout);
}

}  // namespace switchboard::projections
