#pragma once

#include <map>
#include <string>

#include "projections/projection.hpp"
#include "tests/support/test_database.hpp"

namespace switchboard::tests {

// Every row of every table of the projection, as text, in a stable order: what a rebuild must
// reproduce exactly.
std::map<std::string, std::string> projection_contents(const TestDatabase& db,
                                                       const projections::Projection& projection);

}  // namespace switchboard::tests
