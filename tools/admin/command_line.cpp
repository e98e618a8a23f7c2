#include "tools/admin/command_line.hpp"

#include <fmt/format.h>

#include <sstream>

namespace switchboard::tools::admin {

namespace po = boost::program_options;

int parse_style() {
  return po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
}

po::variables_map parse_arguments(const std::vector<std::string>& args,
                                  const po::options_description& options,
                                  const po::positional_options_description& positional) {
  po::variables_map values;
  try {
    po::store(po::command_line_parser(args)
                  .options(options)
                  .positional(positional)
                  .style(parse_style())
                  .run(),
              values);
    po::notify(values);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return values;
}

void print_help(std::string_view synopsis, std::string_view description,
                const po::options_description& options) {
  std::ostringstream text;
  text << "Usage: switchboard-admin " << synopsis << "\n\n" << description << "\n";
  if (!options.options().empty()) text << '\n' << options;
  // The description needs somewhere to store values; nothing is parsed here.
  ConnectionOptions unused;
  text << '\n' << connection_options(unused);
  fmt::print("{}", text.str());
}

}  // namespace switchboard::tools::admin
