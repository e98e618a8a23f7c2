#include "domain/cti/line.hpp"

#include <algorithm>

#include "domain/cti/json_fields.hpp"
#include "domain/json.hpp"

namespace switchboard::domain::cti {
namespace {

// Ended calls are kept (Close ends after-call work on them) but only this many.
constexpr std::size_t max_ended_calls = 32;

bool needs_cid(std::string_view name) {
  return name == "Answer" || name == "Hangup" || name == "Hold" || name == "Mute" ||
         name == "Close" || name == "Transfer";
}

bool valid_phone_number(std::string_view n) {
  return !n.empty() && n.size() <= 32 && std::ranges::all_of(n, [](char c) {
    return (c >= '0' && c <= '9') || c == '+' || c == '*' || c == '#';
  });
}

bool valid_state_name(std::string_view s) {
  return !s.empty() && s.size() <= 32 && std::ranges::all_of(s, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

void track_call(LineState& state, const rapidjson::Value& call) {
  const auto cid = cid_field(call);
  if (!cid) return;
  state.calls[*cid] = string_field(call, "state").value_or("new");
}

void forget_old_calls(LineState& state) {
  std::size_t ended =
      std::ranges::count_if(state.calls, [](const auto& c) { return c.second == "ended"; });
  for (auto it = state.calls.begin(); ended > max_ended_calls && it != state.calls.end();) {
    if (it->second == "ended") {
      it = state.calls.erase(it);
      --ended;
    } else {
      ++it;
    }
  }
}

void apply_received(LineState& state, const rapidjson::Value& message) {
  const auto name = string_field(message, "name").value_or("");
  if (name == "NewCall" || name == "CallStatus" || name == "CurrentCall") {
    track_call(state, message);
  } else if (name == "Calls") {
    // A snapshot (after AttachToUser or GetCalls): calls missing from it are over.
    for (auto& [cid, call_state] : state.calls) call_state = "ended";
    const auto calls = message.FindMember("calls");
    if (calls != message.MemberEnd() && calls->value.IsArray()) {
      for (const auto& call : calls->value.GetArray()) track_call(state, call);
    }
  } else if (name == "OnClose") {
    if (const auto cid = cid_field(message)) state.calls.erase(*cid);
  }
  forget_old_calls(state);
}

}  // namespace

const std::vector<std::string_view>& allowed_commands() {
  static const std::vector<std::string_view> names{
      "Answer",   "Hangup",          "Hold",     "Mute",        "Close", "MakeCall",
      "Transfer", "ChangeUserState", "GetCalls", "GetUserState"};
  return names;
}

void Line::apply(State& state, std::string_view type, std::string_view data) {
  ++state.version;
  const auto d = parse_object(data);
  if (!d) return;
  if (type == line_events::received) {
    state.last_event_seq = state.version;
    const auto message = d->FindMember("message");
    if (message != d->MemberEnd() && message->value.IsObject())
      apply_received(state, message->value);
  } else if (type == line_events::acknowledged) {
    state.acked_seq = std::max(state.acked_seq, int_field(*d, "upTo").value_or(0));
  }
}

std::string Line::snapshot(const State& state) {
  return json_object([&](JsonWriter& w) {
    put(w, "version", state.version);
    put(w, "lastEventSeq", state.last_event_seq);
    put(w, "ackedSeq", state.acked_seq);
    w.Key("calls");
    w.StartObject();
    for (const auto& [cid, call_state] : state.calls) put(w, cid.c_str(), call_state);
    w.EndObject();
  });
}

std::optional<LineState> Line::restore(std::string_view text) {
  const auto d = parse_object(text);
  if (!d) return std::nullopt;
  const auto version = int_field(*d, "version");
  const auto last_event_seq = int_field(*d, "lastEventSeq");
  const auto acked_seq = int_field(*d, "ackedSeq");
  const auto calls = d->FindMember("calls");
  if (!version || !last_event_seq || !acked_seq || calls == d->MemberEnd() ||
      !calls->value.IsObject()) {
    return std::nullopt;
  }
  LineState state{*version, *last_event_seq, *acked_seq, {}};
  for (const auto& call : calls->value.GetObject()) {
    if (!call.value.IsString()) return std::nullopt;
    state.calls.emplace(std::string{call.name.GetString(), call.name.GetStringLength()},
                        std::string{call.value.GetString(), call.value.GetStringLength()});
  }
  return state;
}

std::variant<ControlCommand, Rejection> parse_control(std::string_view body) {
  const auto d = parse_object(body);
  if (!d) return Rejection{Rejection::Kind::invalid, "the body must be a JSON object", ""};
  ControlCommand c;
  for (const auto& m : d->GetObject()) {
    const std::string_view key{m.name.GetString(), m.name.GetStringLength()};
    const auto field = "/" + std::string{key};
    const auto bad = [&](std::string message) {
      return Rejection{Rejection::Kind::invalid, std::move(message), field};
    };
    if (key == "name") {
      if (!m.value.IsString()) return bad("must be a string");
      c.name = m.value.GetString();
    } else if (key == "cid") {
      c.cid = cid_field(*d);
      if (!c.cid || c.cid->empty() || c.cid->size() > 64) {
        return bad("must be a call id: a string or a non-negative integer");
      }
    } else if (key == "on") {
      if (!m.value.IsBool()) return bad("must be true or false");
      c.on = m.value.GetBool();
    } else if (key == "phoneNumber") {
      if (!m.value.IsString() || !valid_phone_number(m.value.GetString())) {
        return bad("must be 1-32 of 0-9 + * #");
      }
      c.phone_number = m.value.GetString();
    } else if (key == "state") {
      if (!m.value.IsString() || !valid_state_name(m.value.GetString())) {
        return bad("must be a state name (1-32 of A-Z a-z 0-9 _)");
      }
      c.state = m.value.GetString();
    } else if (key == "reason") {
      if (!m.value.IsString() || m.value.GetStringLength() > 200) {
        return bad("must be a string of at most 200 characters");
      }
      c.reason = m.value.GetString();
    } else {
      // login and rid among them: the middleware fills those itself.
      return bad("is not a field of any allowed command");
    }
  }
  const auto& allowed = allowed_commands();
  if (std::ranges::find(allowed, c.name) == allowed.end()) {
    return Rejection{Rejection::Kind::invalid, "not an allowed command", "/name"};
  }
  const auto missing = [](const char* field) {
    return Rejection{Rejection::Kind::invalid, "is required by this command", field};
  };
  if (needs_cid(c.name) && !c.cid) return missing("/cid");
  if ((c.name == "Hold" || c.name == "Mute") && !c.on) return missing("/on");
  if ((c.name == "MakeCall" || c.name == "Transfer") && !c.phone_number) {
    return missing("/phoneNumber");
  }
  if (c.name == "ChangeUserState" && !c.state) return missing("/state");
  return c;
}

std::string cti_message(const ControlCommand& c, std::string_view login, std::string_view rid) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w{buffer};
  const auto text = [&w](std::string_view key, std::string_view value) {
    w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  };
  w.StartObject();
  text("name", c.name);
  text("rid", rid);
  text("login", login);
  if (c.cid) text("cid", *c.cid);
  if (c.on) {
    w.Key("on");
    w.Bool(*c.on);
  }
  if (c.phone_number) text("phoneNumber", *c.phone_number);
  if (c.state) text("state", *c.state);
  if (c.reason) text("reason", *c.reason);
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

Decision decide(const LineState&, const RecordReceived& c) {
  std::vector<NewEvent> events;
  for (const auto& text : c.messages) {
    auto message = parse_object(text);
    if (!message || !string_field(*message, "name")) {
      return reject(Rejection::Kind::invalid, "a CTI message must be an object with a name",
                    "message");
    }
    rapidjson::Document data{rapidjson::kObjectType};
    auto& a = data.GetAllocator();
    data.AddMember("login", rapidjson::Value{c.login.c_str(), a}, a);
    data.AddMember("message", rapidjson::Value{*message, a}, a);
    events.push_back({std::string{line_events::received}, to_json(data)});
  }
  return events;
}

Decision decide(const LineState& state, const Acknowledge& c) {
  if (c.up_to < 0 || c.up_to > state.last_event_seq) {
    return reject(Rejection::Kind::invalid,
                  "acknowledges events that were never handed out (the newest is " +
                      std::to_string(state.last_event_seq) + ")",
                  "after");
  }
  if (c.up_to <= state.acked_seq) return std::vector<NewEvent>{};
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w{buffer};
  w.StartObject();
  w.Key("upTo");
  w.Int64(c.up_to);
  w.EndObject();
  return std::vector{
      NewEvent{std::string{line_events::acknowledged}, {buffer.GetString(), buffer.GetSize()}}};
}

Decision decide(const LineState& state, const IssueCommand& c) {
  if (c.command.cid && !state.calls.contains(*c.command.cid)) {
    return reject(Rejection::Kind::forbidden, "this call is not one of the agent's calls", "/cid");
  }
  return std::vector{string_event(
      line_events::command_issued,
      {{"rid", c.rid}, {"name", c.command.name}, {"cid", c.command.cid.value_or("")}})};
}

Decision decide(const LineState&, const RecordAnswer& c) {
  if (c.rid.empty()) return reject(Rejection::Kind::invalid, "an answer needs its rid", "rid");
  return std::vector{string_event(
      line_events::command_answered,
      {{"rid", c.rid}, {"status", c.status}, {"reply", c.reply}, {"description", c.description}})};
}

}  // namespace switchboard::domain::cti
