#pragma once

// Every request the provider port received, in order, with what it was answered: what tests read
// to prove who called, with which token and key, and how often.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "tools/fake_provider/json.hpp"

namespace switchboard::tools::fake_provider {

struct RecordedRequest {
  std::chrono::system_clock::time_point time;
  std::string method;
  std::string target;  // as sent, with the query
  std::string path;    // without the query
  std::string authorization;
  std::string idempotency_key;
  std::string tenant;  // X-Switchboard-Tenant
  std::string body;
  bool repeat = false;  // an Idempotency-Key seen before: answered with the first answer
  int status = 0;       // what it was answered
};

class RequestLog {
 public:
  void add(RecordedRequest request);
  void clear();

  // [{"seq","time","method","target","path","authorization","idempotency_key","tenant","body",
  //   "repeat","status"}...]: those whose path is `path` (every one when empty).
  void write(JsonWriter& writer, const std::string& path) const;
  // {"requests":n,"repeats":n,"by_path":{"/messages":n,...},"by_status":{"200":n,...}}
  void write_counters(JsonWriter& writer) const;

 private:
  std::vector<RecordedRequest> requests_;
};

}  // namespace switchboard::tools::fake_provider
