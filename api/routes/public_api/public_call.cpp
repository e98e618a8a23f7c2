#include "api/routes/public_api/public_call.hpp"

#include "api/routes/command_response.hpp"
#include "api/routes/message_input.hpp"
#include "domain/json.hpp"

namespace switchboard::api::routes::public_api {

namespace dm = domain::messaging;

http::Credential<PublicCall> client_caller(const Dependencies& deps) {
  return http::refined(
      deps.auth.client_token(),
      [](const http::Request& request,
         auth::Principal principal) -> std::variant<PublicCall, http::Response> {
        auto chat_id = chat_id_param(request);
        if (auto* refused = std::get_if<http::Response>(&chat_id)) return std::move(*refused);
        return PublicCall{std::move(principal), std::get<std::string>(std::move(chat_id))};
      });
}

std::variant<InboundMessage, http::Response> read_message(const PublicCall& call,
                                                          const rapidjson::Value& message,
                                                          std::string_view pointer, bool silent) {
  const std::string at(pointer);
  auto body = message_body(message, at);
  if (auto* refused = std::get_if<http::Response>(&body)) return std::move(*refused);
  auto chat = dm::chat_from_json(message["chat"]);
  if (auto problems = dm::validate(chat, at + "/chat"); !problems.empty()) {
    return invalid(std::move(problems));
  }
  InboundMessage m;
  auto& command = m.command;
  command.tenant_id = call.principal.tenant;
  command.provider_code = call.principal.provider;
  command.provider_message_id = domain::text(message, "provider_message_id");
  command.message_id = commands::messaging::MessagingCommands::inbound_message_id(
      call.principal.tenant, call.principal.provider, chat.id, command.provider_message_id);
  command.chat = std::move(chat);
  auto account_id = domain::text(message, "account_id");
  command.account_id = account_id.empty() ? "main" : std::move(account_id);
  command.sender = dm::participant_from_json(message["sender"]);
  command.body = std::get<dm::MessageBody>(std::move(body));
  command.sent_at = domain::text(message, "sent_at");
  command.silent = silent;
  // A refused account is named by its pointer even when absent (the main account), so the
  // answer is the same whether the provider named the chat's disconnected channel or none.
  m.names = body_fields(message, at);
  m.names.emplace("account_id", at + "/account_id");
  return m;
}

http::Response message_answer(const Dependencies& deps, const dm::ReceiveMessage& command,
                              const FieldNames& names, const commands::CommandOutcome& outcome) {
  const bool recorded = outcome.wrote();
  auto message_id = command.message_id;
  if (!recorded && outcome.ok()) {
    // Seen before, maybe as one of our outbound messages the provider echoes: name that one.
    const auto chat =
        deps.messaging.chat(command.tenant_id, command.provider_code, command.chat.id);
    if (const auto* seen = chat->find(command.provider_message_id)) message_id = seen->message_id;
  }
  return respond(outcome,
                 http::json(recorded ? 201 : 200, domain::json_object([&](domain::JsonWriter& w) {
                              domain::put(w, "message_id", message_id);
                              domain::put(w, "chat_id", command.chat.id);
                              domain::put(w, "provider_message_id", command.provider_message_id);
                              domain::put(w, "created", recorded);
                            })),
                 names);
}

http::Response ingest_message(const Dependencies& deps, const PublicCall& call,
                              const rapidjson::Value& message, std::string_view pointer,
                              bool silent, const commands::CommandContext& context,
                              std::string_view canonical) {
  auto read = read_message(call, message, pointer, silent);
  if (auto* refused = std::get_if<http::Response>(&read)) return std::move(*refused);
  const auto& m = std::get<InboundMessage>(read);
  return message_answer(deps, m.command, m.names,
                        deps.messaging.on_chat(call.principal.tenant, call.principal.provider,
                                               m.command.chat.id, m.command, context, canonical));
}

http::Response change_status(const Dependencies& deps, const PublicCall& call,
                             const std::string& chat_id, const std::string& message_id,
                             const std::string& status, const commands::CommandContext& context,
                             std::string_view canonical, const FieldNames& names) {
  const auto outcome =
      deps.messaging.on_chat(call.principal.tenant, call.principal.provider, chat_id,
                             dm::ChangeMessageStatus{message_id, status}, context, canonical);
  const auto state = deps.messaging.chat(call.principal.tenant, call.principal.provider, chat_id);
  return respond(outcome,
                 http::json(200, domain::json_object([&](domain::JsonWriter& w) {
                              domain::put(w, "chat_id", chat_id);
                              domain::put(w, "message_id", message_id);
                              domain::put(w, "status", dm::message_status(*state, message_id));
                              domain::put(w, "changed", outcome.wrote());
                            })),
                 names);
}

}  // namespace switchboard::api::routes::public_api
