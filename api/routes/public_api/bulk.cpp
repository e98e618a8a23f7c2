#include <pqxx/except>

#include "api/routes/command_response.hpp"
#include "api/routes/public_api/public_call.hpp"
#include "domain/json.hpp"

namespace switchboard::api::routes::public_api {
namespace {

// Items of different chats are recorded concurrently (the event store commits concurrent appends
// together), on a pool of threads all such requests share; items of one chat keep their order.
constexpr std::size_t kLanes = 32;

// History items are messages; bulk items wrap a message or a status.
std::string chat_of(const rapidjson::Value& item, bool history) {
  if (history) return domain::text(item["chat"], "id");
  if (item.HasMember("message")) return domain::text(item["message"]["chat"], "id");
  if (item.HasMember("status")) return domain::text(item["status"], "chat_id");
  return {};
}

http::Response one_item(const Dependencies& deps, const PublicCall& call,
                        const rapidjson::Value& item, const std::string& pointer, bool history,
                        const commands::CommandContext& context) {
  if (history) return ingest_message(deps, call, item, pointer, true, context, {});
  const bool message = item.HasMember("message");
  if (message == item.HasMember("status")) {
    return http::problem(400, "invalid request", "each item is a message or a status",
                         {{pointer, "exactly one of message and status"}});
  }
  if (message) {
    return ingest_message(deps, call, item["message"], pointer + "/message", false, context, {});
  }
  const auto& s = item["status"];
  return change_status(deps, call, domain::text(s, "chat_id"), domain::text(s, "message_id"),
                       domain::text(s, "status"), context, {}, body_fields(s, pointer + "/status"));
}

// Runs every item and answers 200 with one result per item, in order: {index, status, body}.
http::Response run_items(const Dependencies& deps, concurrency::WorkPool& pool,
                         const http::Request& request, const PublicCall& c, const char* array,
                         bool history) {
  const auto json = domain::parse(request.body);
  const auto& items = json[array];
  // An Idempotency-Key covers the whole request, not each item: items are idempotent by
  // their provider message ids and statuses only move forward.
  auto context = command_context(request, c.principal, c.principal.tenant);
  context.idempotency_key.reset();
  std::vector<http::Response> results(items.Size());
  std::vector<std::vector<rapidjson::SizeType>> lanes(kLanes);
  for (rapidjson::SizeType i = 0; i < items.Size(); ++i) {
    lanes[std::hash<std::string>{}(chat_of(items[i], history)) % kLanes].push_back(i);
  }
  std::vector<std::function<void()>> work;
  for (const auto& lane : lanes) {
    if (lane.empty()) continue;
    work.emplace_back([&, lane] {
      for (const auto i : lane) {
        const auto pointer = "/" + std::string(array) + "/" + std::to_string(i);
        try {
          results[i] = one_item(deps, c, items[i], pointer, history, context);
        } catch (const pqxx::broken_connection&) {
          // As a whole request's answer would be (api/http/server.cpp): an outage passes.
          results[i] = http::database_unavailable("the database cannot be reached; retry");
        } catch (const std::exception& e) {
          results[i] = http::problem(500, "internal error", e.what());
        }
      }
    });
  }
  pool.run_all(std::move(work));
  std::size_t failed = 0;
  auto body = domain::json_object([&](domain::JsonWriter& w) {
    w.Key("results");
    w.StartArray();
    for (std::size_t i = 0; i < results.size(); ++i) {
      w.StartObject();
      w.Key("index");
      w.Uint64(i);
      w.Key("status");
      w.Int(results[i].status);
      if (results[i].status >= 400) ++failed;
      w.Key("body");
      w.RawValue(results[i].body.data(), results[i].body.size(), rapidjson::kObjectType);
      w.EndObject();
    }
    w.EndArray();
    w.Key("failed");
    w.Uint64(failed);
  });
  return http::json(200, std::move(body));
}

}  // namespace

http::HandlerFor<PublicCall> bulk(Dependencies deps, std::shared_ptr<concurrency::WorkPool> pool) {
  return [deps, pool](const http::Request& request, const PublicCall& call) {
    return run_items(deps, *pool, request, call, "items", false);
  };
}

http::HandlerFor<PublicCall> import_history(Dependencies deps,
                                            std::shared_ptr<concurrency::WorkPool> pool) {
  return [deps, pool](const http::Request& request, const PublicCall& call) {
    return run_items(deps, *pool, request, call, "messages", true);
  };
}

}  // namespace switchboard::api::routes::public_api
