#pragma once

// Read-model rows as JSON: what every query route needs (nullable columns, timestamps, pages).

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "api/routes/pagination.hpp"
#include "domain/json.hpp"
#include "eventstore/sql_time.hpp"

namespace switchboard::api::routes {

// NULL stays null; otherwise the text, number or boolean.
void put_nullable(domain::JsonWriter& w, const char* key, const pqxx::field& f);
void put_nullable_number(domain::JsonWriter& w, const char* key, const pqxx::field& f);
void put_nullable_flag(domain::JsonWriter& w, const char* key, const pqxx::field& f);
// A json/jsonb column (fetched as text) embedded as JSON; NULL stays null.
void put_raw_json(domain::JsonWriter& w, const char* key, const pqxx::field& f);

// SQL for a timestamptz column as ISO 8601 UTC text (NULL stays NULL).
using eventstore::iso_time;

// One page from rows fetched with LIMIT page.limit + 1: the extra row only says there is more.
template <class WriteItem, class Cursor>
std::string page_of(const pqxx::result& rows, std::size_t limit, WriteItem&& write_item,
                    Cursor&& cursor_of) {
  std::vector<std::string> items;
  for (std::size_t i = 0; i < rows.size() && i < limit; ++i) {
    items.push_back(domain::json_object(
        [&](domain::JsonWriter& w) { write_item(w, rows[static_cast<int>(i)]); }));
  }
  std::optional<std::string> next;
  if (rows.size() > limit) next = cursor_of(rows[static_cast<int>(limit) - 1]);
  return page_json(items, next);
}

}  // namespace switchboard::api::routes
