#include "tests/support/database_outage.hpp"

#include <pqxx/pqxx>

namespace switchboard::tests {

void set_reachable(const TestDatabase& db, bool reachable) {
  // As the database's owner, from a database that stays reachable.
  pqxx::connection c(with_database(db.admin_url(), "postgres"));
  pqxx::nontransaction tx(c);
  tx.exec("ALTER DATABASE " + c.quote_name(db.name()) + " ALLOW_CONNECTIONS " +
          (reachable ? "true" : "false"));
  if (!reachable) {
    tx.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = " +
            c.quote(db.name()));
  }
}

}  // namespace switchboard::tests
