#include "commands/provider_platform/platform_commands.hpp"

namespace switchboard::commands::provider_platform {

std::set<std::string> PlatformCommands::reserved_codes(const std::vector<std::string>& codes) {
  std::set<std::string> reserved;
  for (const auto& code : codes) {
    if (pp::valid_system_name(code) && !app_for_code(code).empty()) reserved.insert(code);
  }
  return reserved;
}

}  // namespace switchboard::commands::provider_platform
