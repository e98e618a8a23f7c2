#include "api/routes/command_response.hpp"
#include "api/routes/public_api/public_call.hpp"
#include "domain/json.hpp"

namespace switchboard::api::routes::public_api {

namespace dm = domain::messaging;

// A chat's title changed or participants joined or left (group chats).
http::HandlerFor<PublicCall> edit_chat(Dependencies deps) {
  return [deps](const http::Request& request, const PublicCall& c) {
    const auto body = domain::parse(request.body);
    dm::EditChat command;
    if (body.HasMember("title")) command.title = domain::text(body, "title");
    if (body.HasMember("participants_added")) {
      for (const auto& p : body["participants_added"].GetArray()) {
        command.participants_added.push_back(dm::participant_from_json(p));
      }
    }
    if (body.HasMember("participants_removed")) {
      for (const auto& id : body["participants_removed"].GetArray()) {
        command.participants_removed.emplace_back(id.GetString(), id.GetStringLength());
      }
    }
    const auto outcome = deps.messaging.on_chat(
        c.principal.tenant, c.principal.provider, c.chat_id, command,
        command_context(request, c.principal, c.principal.tenant), canonical_command(request));
    const auto chat = deps.messaging.chat(c.principal.tenant, c.principal.provider, c.chat_id);
    return respond(outcome, http::json(200, domain::json_object([&](domain::JsonWriter& w) {
                                         domain::put(w, "chat_id", c.chat_id);
                                         domain::put(w, "title", chat->title);
                                         w.Key("participants");
                                         w.StartArray();
                                         for (const auto& p : chat->participants) dm::write(w, p);
                                         w.EndArray();
                                       })));
  };
}

}  // namespace switchboard::api::routes::public_api
