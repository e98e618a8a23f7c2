#include "api/routes/cti/session_auth.hpp"

#include <spdlog/spdlog.h>

#include "api/routes/command_response.hpp"

namespace switchboard::api::routes::cti {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<std::string> cookie(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto semicolon = header.find(';');
    const auto pair = trim(header.substr(0, semicolon));
    const auto equals = pair.find('=');
    if (equals != std::string_view::npos && pair.substr(0, equals) == name) {
      return std::string{pair.substr(equals + 1)};
    }
    if (semicolon == std::string_view::npos) break;
    header.remove_prefix(semicolon + 1);
  }
  return std::nullopt;
}

// The session token from `Authorization: Bearer <token>` or, failing that, the session cookie.
std::optional<std::string> session_token(const http::Request& request) {
  if (const auto authorization = request.header("Authorization")) {
    if (const auto token = http::bearer_token(*authorization)) return std::string{*token};
  }
  for (const auto& [name, value] : request.headers) {
    if (!http::iequals(name, "Cookie")) continue;
    if (auto token = cookie(value, session_cookie)) return token;
  }
  return std::nullopt;
}

// The caller's agent, or the response to send instead: 401 without a valid session, 503 when the
// CTI middleware is not configured.
std::variant<commands::cti::AuthenticatedAgent, http::Response> authenticate(
    api::cti::CtiService* service, const http::Request& request) {
  if (service == nullptr) {
    return http::problem(503, "CTI middleware not configured");
  }
  const auto token = session_token(request);
  if (!token) {
    auto response =
        http::problem(401, "not authenticated",
                      "log in with POST /api/v1/login and send the session token as "
                      "'Authorization: Bearer <token>' or in the switchboard_session cookie",
                      {{"Authorization", "missing"}});
    response.headers.emplace_back("WWW-Authenticate", "Bearer");
    return response;
  }
  auto verdict = service->sessions().authenticate(*token);
  using Status = commands::cti::Authentication::Status;
  switch (verdict.status) {
    case Status::valid:
      return std::move(verdict.agent);
    case Status::unavailable:
      spdlog::warn("cti: cannot check a session: {}", verdict.error);
      return http::database_unavailable(
          "the session cannot be checked: the database cannot be reached; retry");
    case Status::invalid:
      break;
  }
  auto response = http::problem(401, "not authenticated",
                                "the session is unknown, ended or expired; log in again",
                                {{"Authorization", "invalid or expired session"}});
  response.headers.emplace_back("WWW-Authenticate", R"(Bearer error="invalid_token")");
  return response;
}

}  // namespace

commands::CommandContext agent_context(const http::Request& request, const std::string& agent) {
  return {.tenant = "",
          .actor = "agent:" + agent,
          .correlation_id = request.request_id,
          .causation_id = "",
          .command_id = commands::new_uuid(),
          .idempotency_key = std::nullopt};
}

http::Response command_problem(const commands::CommandOutcome& outcome) {
  return respond(outcome, {});
}

http::Response rejection_problem(domain::Rejection rejection) {
  commands::CommandOutcome outcome;
  outcome.status = commands::CommandOutcome::Status::rejected;
  outcome.rejection = std::move(rejection);
  return command_problem(outcome);
}

http::Response reply_problem(const api::cti::Reply& reply, const std::string& what,
                             const std::string& sent, const std::string& field) {
  using Status = api::cti::Reply::Status;
  switch (reply.status) {
    case Status::error:
      return http::problem(502, "the CTI API refused " + what,
                           reply.description.empty() ? reply.message : reply.description,
                           {{field, "refused by the CTI API (" + sent + ")"}});
    case Status::parse_error:
      return http::problem(500, "the CTI API could not read " + what, reply.description);
    case Status::timeout:
      return http::problem(
          504, "the CTI API did not answer",
          "no reply to " + sent + " in time; " + what + " may or may not have taken effect");
    case Status::ok:
    case Status::data:
    case Status::unavailable:
      break;
  }
  return http::problem(502, "the CTI API is unavailable", reply.description);
}

http::Credential<commands::cti::AuthenticatedAgent> agent_session(api::cti::CtiService* service) {
  http::Credential<commands::cti::AuthenticatedAgent> credential{
      [service](const http::Request& request) { return authenticate(service, request); }, {}};
  // A session check may read the event store: not on the HTTP server's threads.
  if (service != nullptr) {
    credential.run_on = [service](std::function<void()> job) { service->post(std::move(job)); };
  }
  return credential;
}

}  // namespace switchboard::api::routes::cti
