#include "tools/agent/replies.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

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

std::optional<Unavailable> parse_unavailable(int status, const std::string& body,
                                             const std::string& retry_after) {
  if (status != 503) return std::nullopt;
  rapidjson::Document d;
  d.Parse(body.c_str(), body.size());
  auto why = d.HasParseError() ? std::string{} : text(d, "detail");
  if (why.empty() && !d.HasParseError()) why = text(d, "title");
  if (why.empty()) why = "HTTP 503 " + body.substr(0, 200);
  Unavailable unavailable{"the server is temporarily unavailable: " + why, std::chrono::seconds{1}};
  if (retry_after.empty()) return unavailable;
  // Switchboard sends seconds; an HTTP date (also allowed) is shown as it is.
  const bool seconds =
      retry_after.size() <= 6 && retry_after.find_first_not_of("0123456789") == std::string::npos;
  unavailable.notice += "; retry after " + retry_after + (seconds ? " s" : "");
  if (seconds)
    unavailable.retry_after = std::chrono::seconds{std::clamp(std::stoi(retry_after), 1, 60)};
  return unavailable;
}

}  // namespace switchboard::tools::agent
