#pragma once

#include <memory>
#include <string>
#include <vector>

#include "projections/projection.hpp"

namespace switchboard::projections {

// Every read model of the system: the server runs them, the admin CLI rebuilds and verifies them.
// Reactors are not here: they need the server's broker connection (see api/main.cpp).
std::vector<std::shared_ptr<Projection>> all_projections();

// The reactors the server runs: they have checkpoints and owners like projections, and the admin
// CLI reports them with those.
std::vector<Follower> reactor_followers();

}  // namespace switchboard::projections
