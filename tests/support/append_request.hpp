#pragma once

#include <string>
#include <vector>

#include "commands/command_context.hpp"
#include "eventstore/types.hpp"

namespace switchboard::tests {

// An append of `events` events to `stream` ("<category>-<id>"): event i has type
// types[i % types.size()], data {"n": i} and tenant t1 in its metadata.
inline eventstore::AppendRequest append_request(
    const std::string& stream, int events = 1,
    eventstore::ExpectedVersion expected = eventstore::ExpectedVersion::any(),
    const std::vector<std::string>& types = {"Happened"}) {
  eventstore::AppendRequest r;
  r.stream_id = stream;
  r.category = stream.substr(0, stream.find('-'));
  r.expected = expected;
  for (int i = 0; i < events; ++i) {
    r.events.push_back({commands::new_uuid(), types[static_cast<std::size_t>(i) % types.size()],
                        R"({"n":)" + std::to_string(i) + "}", R"({"tenant":"t1"})"});
  }
  return r;
}

}  // namespace switchboard::tests
