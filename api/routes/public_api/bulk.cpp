#include <array>
#include <pqxx/except>
#include <span>
#include <unordered_map>

#include "api/routes/command_response.hpp"
#include "api/routes/public_api/public_call.hpp"
#include "domain/json.hpp"

namespace switchboard::api::routes::public_api {
namespace {

// History items are messages; bulk items wrap a message or a status.
std::string chat_of(const rapidjson::Value& item, bool history) {
  if (history) return domain::text(item["chat"], "id");
  if (item.HasMember("message")) return domain::text(item["message"]["chat"], "id");
  if (item.HasMember("status")) return domain::text(item["status"], "chat_id");
  return {};
}

// The item's message, if it is one (a bulk item with both a message and a status is neither).
const rapidjson::Value* message_of(const rapidjson::Value& item, bool history) {
  if (history) return &item;
  if (item.HasMember("message") && !item.HasMember("status")) return &item["message"];
  return nullptr;
}

// A bulk item that is not a message: a status, or neither.
http::Response other_item(const Dependencies& deps, const PublicCall& call,
                          const rapidjson::Value& item, const std::string& pointer,
                          const commands::CommandContext& context) {
  if (item.HasMember("message") == item.HasMember("status")) {
    return http::problem(400, "invalid request", "each item is a message or a status",
                         {{pointer, "exactly one of message and status"}});
  }
  const auto& s = item["status"];
  return change_status(deps, call, domain::text(s, "chat_id"), domain::text(s, "message_id"),
                       domain::text(s, "status"), context, {}, body_fields(s, pointer + "/status"));
}

// What an item is answered when recording it threw: as a whole request's answer would be
// (api/http/server.cpp), an outage passes.
template <class Run>
void answer_each(std::vector<http::Response>& results, std::span<const rapidjson::SizeType> items,
                 Run&& run) {
  try {
    run();
  } catch (const pqxx::broken_connection&) {
    for (const auto i : items)
      results[i] = http::database_unavailable("the database cannot be reached; retry");
  } catch (const std::exception& e) {
    for (const auto i : items) results[i] = http::problem(500, "internal error", e.what());
  }
}

// Runs every item and answers 200 with one result per item, in order: {index, status, body}.
// Items run in rounds that keep each chat's items in order: a chat's consecutive messages share
// a round, any other item has one of its own. A round's messages are recorded as one batch, a
// chat's in one append, all waited for once (MessagingCommands::receive_all); its other items run
// concurrently on a pool of threads all such requests share.
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
  std::vector<std::vector<rapidjson::SizeType>> rounds;
  struct Last {
    std::size_t round;
    bool message;
  };
  std::unordered_map<std::string, Last> last_of_chat;
  for (rapidjson::SizeType i = 0; i < items.Size(); ++i) {
    // An item naming no chat is refused without touching one.
    const auto chat = chat_of(items[i], history);
    const bool message = message_of(items[i], history) != nullptr;
    std::size_t round = 0;
    if (!chat.empty()) {
      auto [last, first] = last_of_chat.try_emplace(chat, Last{0, message});
      if (!first) round = last->second.round + !(message && last->second.message);
      last->second = {round, message};
    }
    if (rounds.size() <= round) rounds.resize(round + 1);
    rounds[round].push_back(i);
  }
  const auto pointer = [&](rapidjson::SizeType i) {
    return "/" + std::string(array) + "/" + std::to_string(i);
  };
  for (const auto& round : rounds) {
    std::vector<domain::messaging::ReceiveMessage> messages;
    std::vector<FieldNames> names;
    std::vector<rapidjson::SizeType> message_items;
    std::vector<std::function<void()>> work;
    for (const auto i : round) {
      const auto* message = message_of(items[i], history);
      if (message == nullptr) {
        work.emplace_back([&, i] {
          const std::array one{i};
          answer_each(results, one,
                      [&] { results[i] = other_item(deps, c, items[i], pointer(i), context); });
        });
        continue;
      }
      auto read =
          read_message(c, *message, history ? pointer(i) : pointer(i) + "/message", history);
      if (auto* refused = std::get_if<http::Response>(&read)) {
        results[i] = std::move(*refused);
        continue;
      }
      auto& m = std::get<InboundMessage>(read);
      messages.push_back(std::move(m.command));
      names.push_back(std::move(m.names));
      message_items.push_back(i);
    }
    // Each message's answer is its own: one that fails to be made spoils no other.
    const auto record = [&] {
      std::vector<commands::CommandOutcome> outcomes;
      answer_each(results, message_items, [&] {
        outcomes =
            deps.messaging.receive_all(c.principal.tenant, c.principal.provider, messages, context);
      });
      for (std::size_t k = 0; k < outcomes.size(); ++k) {
        const std::array one{message_items[k]};
        answer_each(results, one, [&] {
          results[one[0]] = message_answer(deps, messages[k], names[k], outcomes[k]);
        });
      }
    };
    if (work.empty()) {
      if (!messages.empty()) record();
      continue;
    }
    if (!messages.empty()) work.emplace_back(record);
    pool.run_all(std::move(work));
  }
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
