#include "tests/support/projection_contents.hpp"

#include <pqxx/pqxx>

namespace switchboard::tests {

std::map<std::string, std::string> projection_contents(const TestDatabase& db,
                                                       const projections::Projection& projection) {
  pqxx::connection c(db.admin_url());
  pqxx::nontransaction tx(c);
  std::map<std::string, std::string> tables;
  for (const auto& table : projection.tables()) {
    auto& text = tables[table];
    for (const auto& row :
         tx.exec("SELECT t::text FROM " + c.quote_name(table) + " t ORDER BY 1")) {
      text += row[0].c_str();
      text += '\n';
    }
  }
  return tables;
}

}  // namespace switchboard::tests
