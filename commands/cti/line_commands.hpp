#pragma once

#include <optional>
#include <string>

#include "commands/pipeline.hpp"
#include "domain/cti/line.hpp"

namespace switchboard::commands::cti {

// What agents do to their line: acknowledge events and issue webphone commands. Both are decided
// against the line's own stream, so a command can only name a call the CTI API reported for the
// agent's login.
class LineCommands {
 public:
  // The event recorder appends the CTI's events to line streams directly.
  explicit LineCommands(eventstore::EventStore& store)
      : pipeline_(store, 100'000, Freshness::read_first) {}

  CommandOutcome acknowledge(const std::string& cti_login, std::int64_t up_to,
                             const CommandContext& context);
  // Acknowledges every event the line has: what its agent left unread when the CTI login was
  // taken from it is not handed to the next agent.
  CommandOutcome acknowledge_all(const std::string& cti_login, const CommandContext& context);
  // How far the agent has acknowledged, as the line's stream has it now (the projection may lag);
  // nullopt while the store cannot be reached.
  std::optional<std::int64_t> acknowledged(const std::string& cti_login);

  // Records the command (with its rid) before it is sent, so the audit trail has every attempt.
  CommandOutcome issue(const std::string& cti_login, const domain::cti::IssueCommand& command,
                       const CommandContext& context);
  // Records how the command with that rid ended, next to it in the line's stream.
  CommandOutcome record_answer(const std::string& cti_login,
                               const domain::cti::RecordAnswer& answer,
                               const CommandContext& context);

 private:
  Pipeline<domain::cti::Line> pipeline_;
};

}  // namespace switchboard::commands::cti
