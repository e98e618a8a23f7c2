#pragma once

// An outage of one test database alone, for the tests of what happens while PostgreSQL cannot
// be reached: the cluster serves other tests meanwhile, so it must never go down.

#include "tests/support/test_database.hpp"

namespace switchboard::tests {

// false cuts every open connection to `db` and refuses new ones; true lets them in again.
void set_reachable(const TestDatabase& db, bool reachable);

}  // namespace switchboard::tests
