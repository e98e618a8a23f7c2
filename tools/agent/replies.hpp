#pragma once

// The middleware's answers as the agent CLI reads them. The CLI trusts nothing it is sent (a
// proxy's error page, another server on the port): anything unexpected is nullopt, never a crash.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace switchboard::tools::agent {

struct LoginReply {
  std::string token;
  std::string cti_login;
};
// The 200 body of POST /api/v1/login: nullopt unless it carries `token` and `ctiLogin` strings.
std::optional<LoginReply> parse_login_reply(const std::string& body);

struct EventBatch {
  std::vector<std::string> lines;  // one line per event, for the console
  std::int64_t cursor = 0;
};
// The 200 body of GET /api/v1/events: nullopt unless `events` is an array and `cursor` an integer.
std::optional<EventBatch> parse_events_reply(const std::string& body);

}  // namespace switchboard::tools::agent
