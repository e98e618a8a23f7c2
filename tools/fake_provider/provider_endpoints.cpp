#include "tools/fake_provider/provider_endpoints.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <initializer_list>
#include <optional>
#include <string_view>

#include "tools/fake_provider/target.hpp"

namespace switchboard::tools::fake_provider {
namespace {

namespace http = boost::beast::http;

const Answer kOk{200, R"({"ok":true})"};

struct Route {
  std::string_view path;
  http::verb method;
};

constexpr std::array<Route, 10> kRoutes{{{"/accounts", http::verb::get},
                                         {"/messages", http::verb::post},
                                         {"/chats/read", http::verb::post},
                                         {"/messages/text", http::verb::post},
                                         {"/messages/status", http::verb::post},
                                         {"/app-disabled", http::verb::post},
                                         {"/history", http::verb::get},
                                         {"/bulk", http::verb::post},
                                         {"/webhook", http::verb::post},
                                         {"/webhook", http::verb::delete_}}};

constexpr std::array<const char*, 5> kChannelCodes{"telegram", "whatsapp", "viber", "vk",
                                                   "instagram"};

Answer bad_request(const std::string& message) {
  return {400, error_body(message)};
}

// The first of `fields` that `body` lacks as a string, if any.
std::optional<std::string> missing(const rapidjson::Value& body,
                                   std::initializer_list<const char*> fields) {
  for (const char* field : fields) {
    const auto it = body.FindMember(field);
    if (it == body.MemberEnd() || !it->value.IsString()) return std::string{field};
  }
  return std::nullopt;
}

}  // namespace

ProviderEndpoints::ProviderEndpoints(int channels) {
  history_.SetArray();
  set_channels(channels);
}

void ProviderEndpoints::set_accounts(const rapidjson::Value& accounts) {
  accounts_.CopyFrom(accounts, accounts_.GetAllocator());
}

void ProviderEndpoints::set_channels(int channels) {
  accounts_.SetArray();
  auto& a = accounts_.GetAllocator();
  for (int i = 1; i <= channels; ++i) {
    const std::string code = kChannelCodes[(i - 1) % kChannelCodes.size()];
    const auto id = "ch-" + std::to_string(i);
    const auto name = code + " " + std::to_string(i);
    rapidjson::Value account{rapidjson::kObjectType};
    account.AddMember("id", rapidjson::Value{id.c_str(), a}, a);
    account.AddMember("channel_code", rapidjson::Value{code.c_str(), a}, a);
    account.AddMember("name", rapidjson::Value{name.c_str(), a}, a);
    accounts_.PushBack(account, a);
  }
}

void ProviderEndpoints::set_history(const rapidjson::Value& messages, int page_size) {
  history_.CopyFrom(messages, history_.GetAllocator());
  page_size_ = page_size;
}

std::string ProviderEndpoints::next_message_id() {
  return "sent-" + std::to_string(++sent_);
}

Answer ProviderEndpoints::handle(const Request& request, const std::string& token) {
  const std::string target{request.target().data(), request.target().size()};
  const auto path = path_of(target);
  const auto method = request.method();
  const auto same_path = [&](const Route& r) { return r.path == path; };
  if (std::ranges::none_of(kRoutes, same_path))
    return {404, error_body("no such endpoint: " + path)};
  if (std::ranges::none_of(kRoutes,
                           [&](const Route& r) { return same_path(r) && r.method == method; })) {
    return {405, error_body("method not allowed")};
  }

  if (path == "/accounts") return {200, R"({"accounts":)" + to_json(accounts_) + "}"};
  if (path == "/history") return history_page(query_param(target, "cursor"));
  // Setting a token's webhook again moves it to the end: "webhook" is the newest one.
  const auto forget_webhook = [&] {
    std::erase_if(webhooks_, [&](const auto& hook) { return hook.first == token; });
  };
  if (method == http::verb::delete_) {  // /webhook
    forget_webhook();
    return kOk;
  }

  const auto body = parse_object(request.body());
  if (!body) return bad_request("the body must be a JSON object");
  const auto require = [&](std::initializer_list<const char*> fields) {
    return missing(*body, fields);
  };

  if (path == "/messages") {
    if (const auto field = require({"message_id", "chat_id"}))
      return bad_request(*field + " is required");
    return {200, R"({"provider_message_id":")" + next_message_id() + R"("})"};
  }
  if (path == "/messages/text") {
    if (const auto field = require({"message_id", "chat_id", "text"})) {
      return bad_request(*field + " is required");
    }
    return kOk;
  }
  if (path == "/messages/status") {
    if (const auto field = require({"message_id", "chat_id", "status"})) {
      return bad_request(*field + " is required");
    }
    return kOk;
  }
  if (path == "/chats/read") {
    if (const auto field = require({"chat_id"})) return bad_request(*field + " is required");
    return kOk;
  }
  if (path == "/app-disabled") {
    if (const auto field = require({"tenant_id"})) return bad_request(*field + " is required");
    return kOk;
  }
  if (path == "/webhook") {
    if (const auto field = require({"url"})) return bad_request(*field + " is required");
    forget_webhook();
    webhooks_.emplace_back(token, string_member(*body, "url"));
    return kOk;
  }
  // /bulk: every message is checked before any is sent, so a refused batch sends nothing.
  const auto messages = body->FindMember("messages");
  if (messages == body->MemberEnd() || !messages->value.IsArray()) {
    return bad_request("messages must be an array");
  }
  for (const auto& m : messages->value.GetArray()) {
    if (!m.IsObject()) return bad_request("every message must be an object");
    if (const auto field = missing(m, {"message_id", "chat_id"})) {
      return bad_request("every message needs " + *field);
    }
  }
  rapidjson::StringBuffer buffer;
  JsonWriter writer{buffer};
  writer.StartObject();
  writer.Key("results");
  writer.StartArray();
  for (const auto& m : messages->value.GetArray()) {
    writer.StartObject();
    writer.Key("message_id");
    writer.String(m["message_id"].GetString(), m["message_id"].GetStringLength());
    writer.Key("provider_message_id");
    write_string(writer, next_message_id());
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  return {200, {buffer.GetString(), buffer.GetSize()}};
}

Answer ProviderEndpoints::history_page(const std::string& cursor) const {
  std::size_t from = 0;
  if (!cursor.empty()) {
    const auto [end, ec] = std::from_chars(cursor.data(), cursor.data() + cursor.size(), from);
    if (ec != std::errc{} || end != cursor.data() + cursor.size() || from > history_.Size()) {
      return bad_request("unknown cursor: " + cursor);
    }
  }
  const std::size_t to = std::min<std::size_t>(history_.Size(), from + page_size_);
  rapidjson::StringBuffer buffer;
  JsonWriter writer{buffer};
  writer.StartObject();
  writer.Key("messages");
  writer.StartArray();
  for (std::size_t i = from; i < to; ++i)
    history_[static_cast<rapidjson::SizeType>(i)].Accept(writer);
  writer.EndArray();
  writer.Key("next_cursor");
  if (to < history_.Size()) {
    write_string(writer, std::to_string(to));
  } else {
    writer.Null();
  }
  writer.EndObject();
  return {200, {buffer.GetString(), buffer.GetSize()}};
}

void ProviderEndpoints::write_state(JsonWriter& writer) const {
  writer.Key("accounts");
  accounts_.Accept(writer);
  writer.Key("history");
  writer.StartObject();
  writer.Key("messages");
  writer.Uint(history_.Size());
  writer.Key("page_size");
  writer.Int(page_size_);
  writer.EndObject();
  writer.Key("webhook");
  if (webhooks_.empty()) {
    writer.Null();
  } else {
    write_string(writer, webhooks_.back().second);
  }
  writer.Key("webhooks");
  writer.StartArray();
  for (const auto& [token, url] : webhooks_) {
    writer.StartObject();
    writer.Key("token");
    write_string(writer, token);
    writer.Key("url");
    write_string(writer, url);
    writer.EndObject();
  }
  writer.EndArray();
  writer.Key("sent");
  writer.Uint64(sent_);
}

}  // namespace switchboard::tools::fake_provider
