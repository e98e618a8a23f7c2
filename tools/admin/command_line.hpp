#pragma once

#include <boost/program_options.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "tools/admin/connection.hpp"

namespace switchboard::tools::admin {

// Exit codes are part of the interface: scripts tell "broken" from "called wrongly".
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;  // also: verify found differences
inline constexpr int kExitUsage = 2;

// The command line was wrong; main prints it with a pointer to --help and exits with kExitUsage.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One subcommand's share of the command line.
struct Invocation {
  std::vector<std::string> args;  // everything after the command's name
  bool help = false;              // --help appeared anywhere on the line
  ConnectionOptions connection;
};

// Abbreviated long options are refused: a prefix of one command's option must not silently
// select a connection option.
int parse_style();

// Parses a subcommand's arguments; every problem becomes a UsageError.
boost::program_options::variables_map parse_arguments(
    const std::vector<std::string>& args,
    const boost::program_options::options_description& options,
    const boost::program_options::positional_options_description& positional = {});

// Prints "Usage: switchboard-admin <synopsis>", the description and the options to stdout.
void print_help(std::string_view synopsis, std::string_view description,
                const boost::program_options::options_description& options);

}  // namespace switchboard::tools::admin
