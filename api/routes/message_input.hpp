#pragma once

// Message bodies from request JSON, checked for meaning (the schema has checked the shape):
// shared by the public and the CRM APIs.

#include <string_view>
#include <variant>

#include "api/http/types.hpp"
#include "domain/messaging/message_body.hpp"

namespace switchboard::api::routes {

// The body at `value`, or a 400 naming every fault under `pointer` (e.g. "/items/3/message").
std::variant<domain::messaging::MessageBody, http::Response> message_body(
    const rapidjson::Value& value, std::string_view pointer);

// A message's new text (format, entities); only the text's own faults are checked here.
std::variant<domain::messaging::MessageBody, http::Response> message_text(
    const rapidjson::Value& value);

// The `chat_id` path parameter: "" on routes without one, or the 400 when malformed.
std::variant<std::string, http::Response> chat_id_param(const http::Request& request);

// The first problem list as a 400.
http::Response invalid(std::vector<domain::FieldProblem> problems);

}  // namespace switchboard::api::routes
