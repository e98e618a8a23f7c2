#include "tools/agent/command_parser.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <map>
#include <sstream>
#include <vector>

namespace switchboard::tools::agent {
namespace {

struct Shape {
  const char* name;
  std::vector<const char*> fields;  // positional arguments, in order; "on" takes on|off
  std::size_t required;
};

const std::map<std::string, Shape>& shapes() {
  static const std::map<std::string, Shape> all{
      {"answer", {"Answer", {"cid"}, 1}},
      {"hangup", {"Hangup", {"cid"}, 1}},
      {"hold", {"Hold", {"cid", "on"}, 2}},
      {"mute", {"Mute", {"cid", "on"}, 2}},
      {"call", {"MakeCall", {"phoneNumber"}, 1}},
      {"transfer", {"Transfer", {"cid", "phoneNumber"}, 2}},
      {"close", {"Close", {"cid"}, 1}},
      {"state", {"ChangeUserState", {"state", "reason"}, 1}},
      {"calls", {"GetCalls", {}, 0}},
      {"userstate", {"GetUserState", {}, 0}},
  };
  return all;
}

}  // namespace

std::optional<std::variant<std::string, ParseError>> control_body(const std::string& line) {
  std::istringstream in{line};
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  if (words.empty()) return std::nullopt;
  const auto it = shapes().find(words[0]);
  if (it == shapes().end()) return ParseError{"unknown command '" + words[0] + "'; try help"};
  const auto& shape = it->second;
  const auto arguments = words.size() - 1;
  if (arguments < shape.required || arguments > shape.fields.size()) {
    std::string usage = words[0];
    for (const auto* f : shape.fields) usage += std::string{" "} + f;
    return ParseError{"usage: " + usage};
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w{buffer};
  w.StartObject();
  w.Key("name");
  w.String(shape.name);
  for (std::size_t i = 0; i < arguments; ++i) {
    const std::string field = shape.fields[i];
    const auto& value = words[i + 1];
    w.Key(field.c_str());
    if (field == "on") {
      if (value != "on" && value != "off") return ParseError{"say on or off, not '" + value + "'"};
      w.Bool(value == "on");
    } else {
      w.String(value.c_str());
    }
  }
  w.EndObject();
  return std::string{buffer.GetString(), buffer.GetSize()};
}

}  // namespace switchboard::tools::agent
