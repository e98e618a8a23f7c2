#include "tools/fake_provider/json.hpp"

namespace switchboard::tools::fake_provider {

void write_string(JsonWriter& writer, std::string_view text) {
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

std::string to_json(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer{buffer};
  value.Accept(writer);
  return {buffer.GetString(), buffer.GetSize()};
}

std::optional<rapidjson::Document> parse_object(std::string_view body) {
  rapidjson::Document d;
  if (body.empty()) {
    d.SetObject();
    return d;
  }
  d.Parse(body.data(), body.size());
  if (d.HasParseError() || !d.IsObject()) return std::nullopt;
  return d;
}

std::string string_member(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return {};
  const auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsString()) return {};
  return {it->value.GetString(), it->value.GetStringLength()};
}

std::int64_t int_member(const rapidjson::Value& object, const char* name, std::int64_t fallback) {
  if (!object.IsObject()) return fallback;
  const auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsInt64()) return fallback;
  return it->value.GetInt64();
}

std::string error_body(std::string_view message) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer{buffer};
  writer.StartObject();
  writer.Key("error");
  write_string(writer, message);
  writer.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace switchboard::tools::fake_provider
