#include "api/routes/command_response.hpp"

#include <spdlog/spdlog.h>

#include "domain/json.hpp"

namespace switchboard::api::routes {

commands::CommandContext command_context(const http::Request& request,
                                         const auth::Principal& principal, std::string tenant) {
  commands::CommandContext c;
  c.tenant = std::move(tenant);
  c.actor = principal.actor();
  c.correlation_id = request.request_id;
  c.command_id = commands::new_uuid();
  if (auto key = request.header("Idempotency-Key"); key && !key->empty()) {
    c.idempotency_key = std::string(*key);
  }
  return c;
}

std::string canonical_command(const http::Request& request) {
  auto text = std::string(http::to_string(request.method)) + " " + request.path;
  // The query is part of some commands (DELETE ...?reason=removed): the same key with another
  // reason is another request.
  char separator = '?';
  for (const auto& [name, value] : request.query) {
    text += separator + name + "=" + value;
    separator = '&';
  }
  return text + "\n" + request.body;
}

FieldNames body_fields(const rapidjson::Value& body, std::string_view at) {
  FieldNames names;
  if (!body.IsObject()) return names;
  for (const auto& member : body.GetObject()) {
    const std::string name{member.name.GetString(), member.name.GetStringLength()};
    std::string pointer{at};
    pointer += '/';
    for (const char c : name) pointer += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
    names.emplace(name, std::move(pointer));
  }
  return names;
}

FieldNames body_fields(const http::Request& request) {
  return body_fields(domain::parse(request.body));
}

http::Response respond(const commands::CommandOutcome& outcome, http::Response success,
                       const FieldNames& names) {
  using Status = commands::CommandOutcome::Status;
  using Kind = domain::Rejection::Kind;
  switch (outcome.status) {
    case Status::accepted:
    case Status::duplicate:
      return success;
    case Status::rejected: {
      const auto& r = outcome.rejection;
      const auto named = [&names](const std::string& field) {
        const auto it = names.find(field);
        return it == names.end() ? field : it->second;
      };
      std::vector<http::FieldError> errors;
      if (!r.field.empty()) errors.push_back({named(r.field), r.message});
      for (const auto& p : r.problems) errors.push_back({named(p.field), p.message});
      switch (r.kind) {
        case Kind::invalid:
          return http::problem(400, "invalid request", r.message, std::move(errors));
        case Kind::not_found:
          return http::problem(404, "not found", r.message, std::move(errors));
        case Kind::forbidden:
          return http::problem(403, "forbidden", r.message, std::move(errors));
        case Kind::conflict:
          return http::problem(409, "conflict", r.message, std::move(errors));
      }
      break;
    }
    case Status::busy:
      return http::retry_later("busy", "the resource is being changed concurrently; retry");
    case Status::unavailable:
      spdlog::warn("command not recorded: {}", outcome.error);
      return http::database_unavailable(
          "the change could not be recorded: the database cannot be reached; retry");
    case Status::failed:
      break;
  }
  spdlog::error("command failed: {}", outcome.error);
  return http::problem(500, "internal error", "the change could not be recorded; retry later");
}

}  // namespace switchboard::api::routes
