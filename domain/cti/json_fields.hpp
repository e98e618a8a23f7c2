#pragma once

// Small RapidJSON readers shared by the CTI aggregates. Header-only: domain/ has no I/O and no
// library of its own beyond RapidJSON.

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "domain/decision.hpp"

namespace switchboard::domain::cti {

// A parsed JSON object, or nullopt for anything else (malformed text, an array, a number).
inline std::optional<rapidjson::Document> parse_object(std::string_view text) {
  rapidjson::Document d;
  d.Parse(text.data(), text.size());
  if (d.HasParseError() || !d.IsObject()) return std::nullopt;
  return d;
}

inline std::optional<std::string> string_field(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return std::nullopt;
  const auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsString()) return std::nullopt;
  return std::string{it->value.GetString(), it->value.GetStringLength()};
}

inline std::optional<std::int64_t> int_field(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return std::nullopt;
  const auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsInt64()) return std::nullopt;
  return it->value.GetInt64();
}

// The CTI API documents `cid` as a string but its examples send numbers: both are accepted and
// kept as text.
inline std::optional<std::string> cid_field(const rapidjson::Value& object) {
  if (!object.IsObject()) return std::nullopt;
  const auto it = object.FindMember("cid");
  if (it == object.MemberEnd()) return std::nullopt;
  if (it->value.IsString()) return std::string{it->value.GetString(), it->value.GetStringLength()};
  if (it->value.IsInt64()) return std::to_string(it->value.GetInt64());
  if (it->value.IsUint64()) return std::to_string(it->value.GetUint64());
  return std::nullopt;
}

inline std::string to_json(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w{buffer};
  value.Accept(w);
  return {buffer.GetString(), buffer.GetSize()};
}

// An event whose data is an object of string fields.
inline NewEvent string_event(std::string_view type,
                             std::initializer_list<std::pair<const char*, std::string>> fields) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w{buffer};
  w.StartObject();
  for (const auto& [key, value] : fields) {
    w.Key(key);
    w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  }
  w.EndObject();
  return {std::string{type}, std::string{buffer.GetString(), buffer.GetSize()}};
}

}  // namespace switchboard::domain::cti
