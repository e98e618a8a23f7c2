#include "eventstore/migrator.hpp"

#include <pqxx/pqxx>
#include <stdexcept>

#include "eventstore/digest.hpp"

namespace switchboard::eventstore {
namespace {

constexpr std::int64_t kMigrationLock = 0x5357424d49475254;  // "SWBMIGRT"

}  // namespace

MigrationOutcome migrate(const std::string& admin_url,
                         const std::function<void(std::string_view)>& progress) {
  pqxx::connection c(admin_url);
  c.set_variable("client_min_messages", "warning");
  // Held until the connection closes, error or not.
  pqxx::nontransaction(c).exec_params("SELECT pg_advisory_lock($1)", kMigrationLock);

  MigrationOutcome outcome;
  {
    {
      pqxx::work tx(c);
      tx.exec(
          "CREATE TABLE IF NOT EXISTS schema_migrations ("
          " name text PRIMARY KEY, sha256 text NOT NULL,"
          " applied_at timestamptz NOT NULL DEFAULT now())");
      tx.commit();
    }
    for (const auto& [name, text] : embedded_migrations()) {
      pqxx::work tx(c);
      const auto recorded =
          tx.exec_params("SELECT sha256 FROM schema_migrations WHERE name = $1", std::string(name));
      const auto sum = sha256_hex(text);
      if (!recorded.empty()) {
        if (recorded[0][0].c_str() != sum) {
          throw std::runtime_error(
              "migration " + std::string(name) +
              " was changed after it was applied; add a new migration instead");
        }
        ++outcome.already_applied;
        continue;
      }
      if (progress) progress(name);
      tx.exec(std::string(text));
      tx.exec_params("INSERT INTO schema_migrations (name, sha256) VALUES ($1, $2)",
                     std::string(name), sum);
      tx.commit();
      outcome.applied.emplace_back(name);
    }
  }
  return outcome;
}

}  // namespace switchboard::eventstore
