#include "commands/cti/line_commands.hpp"

#include <pqxx/except>

namespace switchboard::commands::cti {

namespace cti = domain::cti;

CommandOutcome LineCommands::acknowledge(const std::string& cti_login, std::int64_t up_to,
                                         const CommandContext& context) {
  // Acknowledgements only grow, so a cached line that has this one already needs no read: the
  // long-poll that follows an empty wait repeats its cursor, 5,000 agents at a time.
  if (const auto line = pipeline_.cached(pipeline_.stream_id(cti_login));
      line && up_to >= 0 && up_to <= line->state.acked_seq) {
    CommandOutcome outcome;
    outcome.status = CommandOutcome::Status::accepted;
    outcome.stream_version = line->version;
    return outcome;
  }
  const cti::Acknowledge command{up_to};
  return pipeline_.execute(cti_login, context, "ack " + std::to_string(up_to),
                           [&](const cti::LineState& s) { return cti::decide(s, command); });
}

CommandOutcome LineCommands::acknowledge_all(const std::string& cti_login,
                                             const CommandContext& context) {
  return pipeline_.execute(cti_login, context, "ack all", [](const cti::LineState& s) {
    return cti::decide(s, cti::Acknowledge{s.last_event_seq});
  });
}

std::optional<std::int64_t> LineCommands::acknowledged(const std::string& cti_login) {
  try {
    return pipeline_.load(pipeline_.stream_id(cti_login))->state.acked_seq;
  } catch (const pqxx::broken_connection&) {
    return std::nullopt;
  }
}

CommandOutcome LineCommands::issue(const std::string& cti_login,
                                   const domain::cti::IssueCommand& command,
                                   const CommandContext& context) {
  return pipeline_.execute(cti_login, context, "issue " + command.rid,
                           [&](const cti::LineState& s) { return cti::decide(s, command); });
}

CommandOutcome LineCommands::record_answer(const std::string& cti_login,
                                           const domain::cti::RecordAnswer& answer,
                                           const CommandContext& context) {
  return pipeline_.execute(cti_login, context, "answer " + answer.rid,
                           [&](const cti::LineState& s) { return cti::decide(s, answer); });
}

}  // namespace switchboard::commands::cti
