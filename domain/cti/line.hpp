#pragma once

// One CTI login's line: every message the CTI API sent for that login (numbered by the stream
// version, which is the `seq` agents acknowledge), the commands agents issued on it, and how far
// the agent has acknowledged the events handed out to it.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/decision.hpp"

namespace switchboard::domain::cti {

namespace line_events {
inline constexpr std::string_view received = "CtiEventReceived";
inline constexpr std::string_view acknowledged = "CtiEventsAcknowledged";
inline constexpr std::string_view command_issued = "CtiCommandIssued";
// The outcome of an issued command: for the audit trail only, never handed out to the agent.
inline constexpr std::string_view command_answered = "CtiCommandAnswered";
}  // namespace line_events

struct LineState {
  std::int64_t version = 0;         // events applied: the stream's version
  std::int64_t last_event_seq = 0;  // version of the newest CtiEventReceived
  std::int64_t acked_seq = 0;
  // The login's calls by cid, with their state (new, connected, ended): what control commands
  // may name.
  std::map<std::string, std::string> calls;
};

struct Line {
  using State = LineState;
  static constexpr std::string_view category = "ctiline";
  static void apply(State& state, std::string_view type, std::string_view data);

  // A line gets every message the CTI API sends for its login, for as long as the login is in
  // use; its state stays small (at most 32 ended calls), so it is saved now and then.
  static constexpr std::string_view snapshot_format = "ctiline/1";
  static constexpr std::int64_t snapshot_every = 500;
  static std::string snapshot(const State& state);
  static std::optional<State> restore(std::string_view text);
};

// Messages the CTI API sent for `login`, in arrival order.
struct RecordReceived {
  std::string login;
  std::vector<std::string> messages;  // JSON objects as received
};

// The agent has every event up to `up_to` and wants none of them again.
struct Acknowledge {
  std::int64_t up_to = 0;
};

// A webphone command an agent asked for, as validated from its request body.
struct ControlCommand {
  std::string name;
  std::optional<std::string> cid;
  std::optional<bool> on;
  std::optional<std::string> phone_number;
  std::optional<std::string> state;
  std::optional<std::string> reason;
};

struct IssueCommand {
  ControlCommand command;
  std::string rid;
};

// How an issued command ended: the CTI API's reply to its rid, or none.
struct RecordAnswer {
  std::string rid;
  std::string status;       // ok, data, error, parse_error, timeout, unavailable
  std::string reply;        // the reply's name (Ok, Error, Calls, ...); empty without a reply
  std::string description;  // Error/ParseError's description, or why there was no reply
};

// The commands agents may send (the allow-list), in the CTI API's spelling.
const std::vector<std::string_view>& allowed_commands();

// The body of POST /api/v1/control as a command, or what is wrong with it (field: a JSON pointer).
std::variant<ControlCommand, Rejection> parse_control(std::string_view body);

// The CTI message for `command`: the middleware, never the agent, fills `login` and `rid`.
std::string cti_message(const ControlCommand& command, std::string_view login,
                        std::string_view rid);

Decision decide(const LineState& state, const RecordReceived& command);
Decision decide(const LineState& state, const Acknowledge& command);
Decision decide(const LineState& state, const IssueCommand& command);
Decision decide(const LineState& state, const RecordAnswer& command);

}  // namespace switchboard::domain::cti
