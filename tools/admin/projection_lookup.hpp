#pragma once

#include <memory>
#include <string>
#include <vector>

#include "projections/projection.hpp"

namespace switchboard::tools::admin {

// "a, b, c": the registered projections' names, for help texts and error messages.
std::string projection_names();

// The registered projection called `name`; a UsageError listing the known names otherwise.
std::shared_ptr<projections::Projection> find_projection(const std::string& name);

// Every name in `names` looked up before any work starts, so a typo in the third name does not
// leave the first two half done; empty `names` means all of them.
std::vector<std::shared_ptr<projections::Projection>> find_projections(
    const std::vector<std::string>& names);

}  // namespace switchboard::tools::admin
