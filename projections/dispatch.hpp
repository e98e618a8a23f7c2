#pragma once

#include <iterator>
#include <string_view>

#include "eventstore/types.hpp"

namespace switchboard::projections {

// One row of a projection's dispatch table: an event type and what apply() does with it. A
// projection builds its filter() and finds its handlers in the same tables, so a type it handles
// is always a type the runner hands it: one missing from the filter would be applied by a
// rebuild and never by the runner.
template <typename Handler>
struct On {
  std::string_view type;
  Handler handler;
};

// The filter that hands over exactly the types the tables list.
template <typename... Tables>
eventstore::EventFilter filter_of(const Tables&... tables) {
  eventstore::EventFilter filter;
  const auto add = [&](const auto& table) {
    for (const auto& row : table) filter.types.emplace_back(row.type);
  };
  (add(tables), ...);
  return filter;
}

// The handler the table lists for `type`; nullptr when it lists none (apply() must ignore the
// event: a rebuild hands over every event).
template <typename Table>
auto handler_for(const Table& table, std::string_view type)
    -> decltype(&std::begin(table)->handler) {
  for (const auto& row : table) {
    if (row.type == type) return &row.handler;
  }
  return nullptr;
}

}  // namespace switchboard::projections
