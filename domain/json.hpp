#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard::domain {

// Event data is JSON: small helpers so aggregates read and write it in one line.
using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

template <class Fn>
std::string json_object(Fn&& fill) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  fill(w);
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

inline void put(JsonWriter& w, const char* key, std::string_view value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}
inline void put(JsonWriter& w, const char* key, const char* value) {
  put(w, key, std::string_view(value));
}
inline void put(JsonWriter& w, const char* key, const std::string& value) {
  put(w, key, std::string_view(value));
}
inline void put(JsonWriter& w, const char* key, std::int64_t value) {
  w.Key(key);
  w.Int64(value);
}
inline void put(JsonWriter& w, const char* key, bool value) {
  w.Key(key);
  w.Bool(value);
}
inline void put(JsonWriter& w, const char* key, const std::vector<std::string>& values) {
  w.Key(key);
  w.StartArray();
  for (const auto& v : values) w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  w.EndArray();
}

// `parent` and one more member name or index, escaped as a JSON pointer (RFC 6901) needs:
// ("/a", "b/c") -> "/a/b~1c".
inline std::string child_pointer(const std::string& parent, std::string_view name) {
  std::string out = parent + "/";
  for (const char c : name) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

// Parses event data written by json_object; events in the log are trusted to be well formed.
inline rapidjson::Document parse(std::string_view data) {
  rapidjson::Document d;
  d.Parse(data.data(), data.size());
  return d;
}

inline std::string text(const rapidjson::Value& v, const char* key) {
  if (!v.IsObject()) return {};
  const auto it = v.FindMember(key);
  return it != v.MemberEnd() && it->value.IsString()
             ? std::string(it->value.GetString(), it->value.GetStringLength())
             : std::string();
}
inline std::int64_t number(const rapidjson::Value& v, const char* key) {
  if (!v.IsObject()) return 0;
  const auto it = v.FindMember(key);
  return it != v.MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : 0;
}
// The strings of the array `key` (other items skipped); empty when there is none.
inline std::vector<std::string> texts(const rapidjson::Value& v, const char* key) {
  std::vector<std::string> values;
  if (!v.IsObject()) return values;
  if (const auto it = v.FindMember(key); it != v.MemberEnd() && it->value.IsArray()) {
    for (const auto& item : it->value.GetArray()) {
      if (item.IsString()) values.emplace_back(item.GetString(), item.GetStringLength());
    }
  }
  return values;
}
inline bool flag(const rapidjson::Value& v, const char* key) {
  if (!v.IsObject()) return false;
  const auto it = v.FindMember(key);
  return it != v.MemberEnd() && it->value.IsBool() && it->value.GetBool();
}

}  // namespace switchboard::domain
