#pragma once

// The middleware's answers as the agent CLI reads them. The CLI trusts nothing it is sent (a
// proxy's error page, another server on the port): anything unexpected is nullopt, never a crash.

#include <chrono>
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

// A 503: the middleware cannot serve now (its database cannot be reached, a session busy, a
// shutdown) but will again, so the agent is told to wait rather than shown a fault.
struct Unavailable {
  // "the server is temporarily unavailable: DETAIL; retry after N s", from the problem's detail
  // (its title, or the body's start, when it has none) and Retry-After (left out without one).
  std::string notice;
  // When to ask again: Retry-After's seconds, kept within 1-60 s; 1 s without a number.
  std::chrono::seconds retry_after{1};
};
// nullopt unless `status` is 503.
std::optional<Unavailable> parse_unavailable(int status, const std::string& body,
                                             const std::string& retry_after);

}  // namespace switchboard::tools::agent
