#include "eventstore/sql_time.hpp"

namespace switchboard::eventstore {

std::string iso_time(std::string_view column) {
  return "to_char(" + std::string(column) +
         " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";
}

}  // namespace switchboard::eventstore
