#include "api/routes/message_input.hpp"

namespace switchboard::api::routes {

std::variant<std::string, http::Response> chat_id_param(const http::Request& request) {
  const auto it = request.params.find("chat_id");
  if (it == request.params.end()) return std::string();
  if (it->second.empty() || it->second.size() > 256) {
    return http::problem(400, "invalid request", "bad path parameter",
                         {{"chat_id", "1 to 256 characters"}});
  }
  return it->second;
}

http::Response invalid(std::vector<domain::FieldProblem> problems) {
  std::vector<http::FieldError> errors;
  for (auto& p : problems) errors.push_back({std::move(p.field), std::move(p.message)});
  return http::problem(400, "invalid request", "the message is not valid", std::move(errors));
}

std::variant<domain::messaging::MessageBody, http::Response> message_body(
    const rapidjson::Value& value, std::string_view pointer) {
  auto body = domain::messaging::body_from_json(value);
  if (auto problems = domain::messaging::validate(body, pointer); !problems.empty()) {
    return invalid(std::move(problems));
  }
  return body;
}

std::variant<domain::messaging::MessageBody, http::Response> message_text(
    const rapidjson::Value& value) {
  auto body = domain::messaging::body_from_json(value);
  // Whether the text may be empty depends on the message's attachments: the domain decides.
  if (auto problems = domain::messaging::validate_text(body, "", false); !problems.empty()) {
    return invalid(std::move(problems));
  }
  return body;
}

}  // namespace switchboard::api::routes
