#include "tools/fake_provider/request_log.hpp"

#include <cstdio>
#include <ctime>
#include <map>

namespace switchboard::tools::fake_provider {
namespace {

// ISO 8601 UTC with milliseconds, the way Switchboard writes times.
std::string iso8601(std::chrono::system_clock::time_point time) {
  const auto t = std::chrono::system_clock::to_time_t(time);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()) %
                  std::chrono::seconds{1};
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[32];
  const auto n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  char millis[8];
  std::snprintf(millis, sizeof millis, ".%03dZ", static_cast<int>(ms.count()));
  return std::string(text, n) + millis;
}

void write_counts(JsonWriter& writer, const char* key, const std::map<std::string, int>& counts) {
  writer.Key(key);
  writer.StartObject();
  for (const auto& [name, count] : counts) {
    write_string(writer, name);
    writer.Int(count);
  }
  writer.EndObject();
}

}  // namespace

void RequestLog::add(RecordedRequest request) {
  requests_.push_back(std::move(request));
}

void RequestLog::clear() {
  requests_.clear();
}

void RequestLog::write(JsonWriter& writer, const std::string& path) const {
  writer.StartArray();
  for (std::size_t i = 0; i < requests_.size(); ++i) {
    const auto& r = requests_[i];
    if (!path.empty() && r.path != path) continue;
    writer.StartObject();
    writer.Key("seq");
    writer.Uint64(i + 1);
    writer.Key("time");
    write_string(writer, iso8601(r.time));
    writer.Key("method");
    write_string(writer, r.method);
    writer.Key("target");
    write_string(writer, r.target);
    writer.Key("path");
    write_string(writer, r.path);
    writer.Key("authorization");
    write_string(writer, r.authorization);
    writer.Key("idempotency_key");
    write_string(writer, r.idempotency_key);
    writer.Key("tenant");
    write_string(writer, r.tenant);
    writer.Key("body");
    write_string(writer, r.body);
    writer.Key("repeat");
    writer.Bool(r.repeat);
    writer.Key("status");
    writer.Int(r.status);
    writer.EndObject();
  }
  writer.EndArray();
}

void RequestLog::write_counters(JsonWriter& writer) const {
  std::map<std::string, int> by_path;
  std::map<std::string, int> by_status;
  int repeats = 0;
  for (const auto& r : requests_) {
    ++by_path[r.path];
    ++by_status[std::to_string(r.status)];
    if (r.repeat) ++repeats;
  }
  writer.StartObject();
  writer.Key("requests");
  writer.Uint64(requests_.size());
  writer.Key("repeats");
  writer.Int(repeats);
  write_counts(writer, "by_path", by_path);
  write_counts(writer, "by_status", by_status);
  writer.EndObject();
}

}  // namespace switchboard::tools::fake_provider
