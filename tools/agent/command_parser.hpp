#pragma once

// What the agent types, as POST /api/v1/control bodies.

#include <optional>
#include <string>
#include <variant>

namespace switchboard::tools::agent {

struct ParseError {
  std::string message;
};

// "answer 12" -> {"name":"Answer","cid":"12"}. Returns nullopt for an empty line.
std::optional<std::variant<std::string, ParseError>> control_body(const std::string& line);

inline constexpr const char* command_help =
    "  answer CID               answer a call\n"
    "  hangup CID               hang up\n"
    "  hold CID on|off          put on hold or take back\n"
    "  mute CID on|off          mute or unmute\n"
    "  call NUMBER              call a number\n"
    "  transfer CID NUMBER      transfer a call\n"
    "  close CID                end after-call work\n"
    "  state STATE [REASON]     change your state (normal, away, dnd, ...)\n"
    "  calls | userstate        ask the CTI API for your calls or state\n"
    "  help | quit\n";

}  // namespace switchboard::tools::agent
