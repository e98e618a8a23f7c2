#pragma once

#include <string>
#include <vector>

namespace switchboard::eventstore {

// A PostgreSQL array literal ('{"a","b"}') for passing a whole column of values as one
// parameter: one statement per batch instead of one per row (cast it: $1::text[], $2::bigint[]).
std::string sql_array(const std::vector<std::string>& items);

}  // namespace switchboard::eventstore
