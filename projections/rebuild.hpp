#pragma once

#include <functional>
#include <string>
#include <vector>

#include "projections/projection.hpp"

namespace switchboard::projections {

// Notified with the projection's name when a rebuild swaps its tables in: whatever a node cached
// from the old tables is outdated.
inline constexpr const char* rebuilt_channel = "switchboard_projection_rebuilt";

using Progress = std::function<void(std::uint64_t events_applied)>;

// Builds the projection from the first event into shadow tables while the live ones keep
// serving reads, then swaps them in one short transaction that also catches up the tail and
// moves the checkpoint. Needs the owner's connection (it creates and drops tables).
std::uint64_t rebuild(const std::string& admin_url, Projection& projection,
                      const Progress& progress = {});

struct TableDifference {
  std::string table;
  std::int64_t only_live = 0;     // rows in the live table the rebuild did not produce
  std::int64_t only_rebuilt = 0;  // rows the rebuild produced that the live table lacks
};

// Rebuilds into a scratch schema up to the live checkpoint and compares table by table.
// An empty result means the live read model is exactly what the log produces.
std::vector<TableDifference> verify(const std::string& admin_url, Projection& projection,
                                    const Progress& progress = {});

}  // namespace switchboard::projections
