#pragma once

// An agent's view of GET /api/v1/events, acknowledging with `after` as a well-behaved agent does.

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <vector>

#include "tests/e2e/cti/support/cti_stack.hpp"

namespace switchboard::tests::e2e::cti {

struct SeenEvent {
  std::int64_t seq = 0;
  std::string name;
  std::string login;
  std::string cid;
  std::string state;
  std::string json;
};

class AgentFeed {
 public:
  AgentFeed(Endpoint endpoint, std::string token)
      : endpoint_(std::move(endpoint)), token_(std::move(token)) {}

  // One long-poll; returns the HTTP status.
  int poll(int wait_seconds = 1) {
    const auto r =
        get_events(endpoint_, token_,
                   "after=" + std::to_string(cursor_) + "&wait=" + std::to_string(wait_seconds));
    if (r.status != 200) return r.status;
    const auto d = parse(r.text());
    for (const auto& e : d["events"].GetArray()) {
      SeenEvent seen;
      seen.seq = e["seq"].GetInt64();
      seen.name = e["name"].GetString();
      if (e.HasMember("login")) seen.login = e["login"].GetString();
      if (e.HasMember("cid")) {
        seen.cid = e["cid"].IsString() ? e["cid"].GetString() : std::to_string(e["cid"].GetInt64());
      }
      if (e.HasMember("state") && e["state"].IsString()) seen.state = e["state"].GetString();
      rapidjson::StringBuffer buffer;
      rapidjson::Writer<rapidjson::StringBuffer> w{buffer};
      e.Accept(w);
      seen.json = buffer.GetString();
      events_.push_back(std::move(seen));
    }
    cursor_ = d["cursor"].GetInt64();
    return r.status;
  }

  // Polls until an event matches.
  const SeenEvent* wait_for(const std::string& name, const std::string& state = {},
                            std::chrono::seconds timeout = std::chrono::seconds{20}) {
    const SeenEvent* found = nullptr;
    eventually(
        [&] {
          found = find(name, state);
          if (found == nullptr) poll(1);
          found = find(name, state);
          return found != nullptr;
        },
        timeout);
    return found;
  }

  const SeenEvent* find(const std::string& name, const std::string& state = {}) const {
    for (const auto& e : events_) {
      if (e.name == name && (state.empty() || e.state == state)) return &e;
    }
    return nullptr;
  }

  const std::vector<SeenEvent>& events() const { return events_; }
  std::int64_t cursor() const { return cursor_; }

 private:
  Endpoint endpoint_;
  std::string token_;
  std::int64_t cursor_ = 0;
  std::vector<SeenEvent> events_;
};

}  // namespace switchboard::tests::e2e::cti
