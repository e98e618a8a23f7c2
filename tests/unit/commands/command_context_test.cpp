#include "commands/command_context.hpp"

#include <boost/test/unit_test.hpp>
#include <regex>
#include <set>

using namespace switchboard::commands;

BOOST_AUTO_TEST_CASE(uuids_are_version_4_and_distinct) {
  const std::regex v4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const auto id = new_uuid();
    BOOST_REQUIRE(std::regex_match(id, v4));
    seen.insert(id);
  }
  BOOST_CHECK_EQUAL(seen.size(), 1000u);
}

BOOST_AUTO_TEST_CASE(metadata_carries_the_context_and_escapes_it) {
  CommandContext c{.tenant = "t\"1", .actor = "user:7", .correlation_id = "corr",
                   .causation_id = {}, .command_id = "cmd"};
  BOOST_CHECK_EQUAL(metadata_json(c),
                    R"({"tenant":"t\"1","actor":"user:7","correlation_id":"corr","command_id":"cmd"})");
}

BOOST_AUTO_TEST_CASE(fingerprints_are_stable_and_tell_commands_apart) {
  BOOST_CHECK_EQUAL(fingerprint("register a"), fingerprint("register a"));
  BOOST_CHECK_NE(fingerprint("register a"), fingerprint("register b"));
  BOOST_CHECK_EQUAL(fingerprint("x").size(), 32u);
}
