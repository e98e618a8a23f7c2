#include "commands/cti/line_commands.hpp"

namespace switchboard::commands::cti {

namespace cti = domain::cti;

CommandOutcome LineCommands::acknowledge(const std::string& cti_login, std::int64_t up_to,
                                         const CommandContext& context) {
  const cti::Acknowledge command{up_to};
  return pipeline_.execute(cti_login, context, "ack " + std::to_string(up_to),
                           [&](const cti::LineState& s) { return cti::decide(s, command); });
}

std::int64_t LineCommands::acknowledged(const std::string& cti_login) {
  return pipeline_.load(pipeline_.stream_id(cti_login)).state.acked_seq;
}

CommandOutcome LineCommands::issue(const std::string& cti_login,
                                   const domain::cti::IssueCommand& command,
                                   const CommandContext& context) {
  return pipeline_.execute(cti_login, context, "issue " + command.rid,
                           [&](const cti::LineState& s) { return cti::decide(s, command); });
}

}  // namespace switchboard::commands::cti
