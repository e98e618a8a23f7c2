#pragma once

// A JSON member as the CTI tools (the agent CLI, the fake CTI server) show and compare it: the
// CTI API writes `cid` as a string or a number, `hold` and `muted` as booleans.

#include <rapidjson/document.h>

#include <string>

namespace switchboard::tools {

// The member's string, integer or boolean as text; "" when it is absent or something else.
inline std::string text(const rapidjson::Value& v, const char* name) {
  if (!v.IsObject()) return {};
  const auto it = v.FindMember(name);
  if (it == v.MemberEnd()) return {};
  if (it->value.IsString()) return {it->value.GetString(), it->value.GetStringLength()};
  if (it->value.IsInt64()) return std::to_string(it->value.GetInt64());
  if (it->value.IsBool()) return it->value.GetBool() ? "true" : "false";
  return {};
}

}  // namespace switchboard::tools
