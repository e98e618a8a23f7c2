#include "tools/agent/replies.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "tools/json_text.hpp"

namespace switchboard::tools::agent {
namespace {

// One line per event; calls get their useful fields, anything else its JSON.
std::string describe(const rapidjson::Value& e) {
  const auto name = text(e, "name");
  std::string line = "<< [" + text(e, "seq") + "] " + name;
  if (name == "NewCall" || name == "CallStatus") {
    return line + " cid=" + text(e, "cid") + " state=" + text(e, "state") +
           " direction=" + text(e, "direction") + " hold=" + text(e, "hold") +
           " muted=" + text(e, "muted") + " '" + text(e, "displayName") + "'";
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w{buffer};
  e.Accept(w);
  return line + " " + buffer.GetString();
}

}  // namespace

std::optional<LoginReply> parse_login_reply(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str(), body.size());
  if (d.HasParseError() || !d.IsObject()) return std::nullopt;
  const auto token = d.FindMember("token");
  const auto cti_login = d.FindMember("ctiLogin");
  if (token == d.MemberEnd() || !token->value.IsString() || cti_login == d.MemberEnd() ||
      !cti_login->value.IsString()) {
    return std::nullopt;
  }
  return LoginReply{token->value.GetString(), cti_login->value.GetString()};
}

std::optional<EventBatch> parse_events_reply(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str(), body.size());
  if (d.HasParseError() || !d.IsObject()) return std::nullopt;
  const auto events = d.FindMember("events");
  const auto cursor = d.FindMember("cursor");
  if (events == d.MemberEnd() || !events->value.IsArray() || cursor == d.MemberEnd() ||
      !cursor->value.IsInt64()) {
    return std::nullopt;
  }
  EventBatch batch;
  batch.cursor = cursor->value.GetInt64();
  for (const auto& e : events->value.GetArray()) batch.lines.push_back(describe(e));
  return batch;
}

}  // namespace switchboard::tools::agent
