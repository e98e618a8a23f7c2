#pragma once

// What the public routes share: the provider's client token, the chat in the path, and the two
// commands that arrive both alone and in bulk (a new message, a status update).

#include <string>
#include <variant>

#include "api/routes/command_response.hpp"
#include "api/routes/public_api/public_api.hpp"
#include "commands/command_context.hpp"
#include "domain/messaging/chat.hpp"

namespace switchboard::api::routes::public_api {

// The provider's client token and a well-formed chat id in the path, on routes with one; the
// 401/403/400 to send instead.
http::Credential<PublicCall> client_caller(const Dependencies& deps);

// An inbound message as a provider sent it, ready to record, and the names of its fields in
// problems.
struct InboundMessage {
  domain::messaging::ReceiveMessage command;
  FieldNames names;
};

// Reads one inbound message (`message` as the schema checked it; `pointer` names it in
// problems): the command, or the problem to answer.
std::variant<InboundMessage, http::Response> read_message(const PublicCall& call,
                                                          const rapidjson::Value& message,
                                                          std::string_view pointer, bool silent);

// The answer to recording `command`: 201 with {message_id, chat_id, provider_message_id} when
// new, 200 with the original message_id when the provider message id was seen before, else the
// problem.
http::Response message_answer(const Dependencies& deps,
                              const domain::messaging::ReceiveMessage& command,
                              const FieldNames& names, const commands::CommandOutcome& outcome);

// Reads and records one inbound message, and answers as message_answer.
http::Response ingest_message(const Dependencies& deps, const PublicCall& call,
                              const rapidjson::Value& message, std::string_view pointer,
                              bool silent, const commands::CommandContext& context,
                              std::string_view canonical);

// Moves a message's status forward; a late or repeated status is 200 all the same. `names`: the
// body_fields of the object that carries the status.
http::Response change_status(const Dependencies& deps, const PublicCall& call,
                             const std::string& chat_id, const std::string& message_id,
                             const std::string& status, const commands::CommandContext& context,
                             std::string_view canonical, const FieldNames& names);

}  // namespace switchboard::api::routes::public_api
