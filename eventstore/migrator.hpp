#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace switchboard::eventstore {

// Numbered SQL files from migrations/, compiled into the binary, sorted by name.
const std::vector<std::pair<std::string_view, std::string_view>>& embedded_migrations();

struct MigrationOutcome {
  std::vector<std::string> applied;  // applied by this run, in order
  std::size_t already_applied = 0;
};

// Applies each pending migration once, in order, each in its own transaction, and records it
// (name and SHA-256) in schema_migrations. A recorded migration whose text has changed stops the
// run: history is not rewritten silently. Concurrent runners serialise on an advisory lock.
MigrationOutcome migrate(const std::string& admin_url,
                         const std::function<void(std::string_view)>& progress = {});

}  // namespace switchboard::eventstore
