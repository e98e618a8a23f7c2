#pragma once

// Small RapidJSON helpers shared by the provider endpoints and the control API.

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace switchboard::tools::fake_provider {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void write_string(JsonWriter& writer, std::string_view text);

std::string to_json(const rapidjson::Value& value);

// The body parsed as a JSON object; nullopt when it is not one. An empty body is an empty object.
std::optional<rapidjson::Document> parse_object(std::string_view body);

// The string member `name`, or "" when absent or not a string.
std::string string_member(const rapidjson::Value& object, const char* name);
// The integer member `name`, or `fallback` when absent or not an integer.
std::int64_t int_member(const rapidjson::Value& object, const char* name, std::int64_t fallback);

// {"error":"<message>"}, escaped.
std::string error_body(std::string_view message);

}  // namespace switchboard::tools::fake_provider
