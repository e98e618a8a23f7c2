#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include "api/routes/cti/cti_routes.hpp"
#include "api/routes/cti/session_auth.hpp"
#include "domain/cti/json_fields.hpp"
#include "domain/cti/line.hpp"

namespace switchboard::api::routes::cti {
namespace {

using api::cti::Reply;

std::string quoted(const std::string& text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w{buffer};
  w.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
  return {buffer.GetString(), buffer.GetSize()};
}

http::Response answer(const std::string& rid, const Reply& reply) {
  if (reply.status == Reply::Status::ok || reply.status == Reply::Status::data) {
    return http::json(200, R"({"rid":)" + quoted(rid) + R"(,"reply":)" + reply.message + "}");
  }
  return reply_problem(reply, "the command", "rid " + rid, "/name");
}

std::string status_name(Reply::Status status) {
  switch (status) {
    case Reply::Status::ok:
      return "ok";
    case Reply::Status::data:
      return "data";
    case Reply::Status::error:
      return "error";
    case Reply::Status::parse_error:
      return "parse_error";
    case Reply::Status::timeout:
      return "timeout";
    case Reply::Status::unavailable:
      break;
  }
  return "unavailable";
}

domain::cti::RecordAnswer recorded_answer(const std::string& rid, const Reply& reply) {
  const auto message = domain::cti::parse_object(reply.message);
  return {rid, status_name(reply.status),
          message ? domain::cti::string_field(*message, "name").value_or("") : "",
          reply.description};
}

}  // namespace

// POST /api/v1/control {name, cid?, on?, phoneNumber?, state?, reason?}: one allow-listed webphone
// command for the caller's own CTI login and calls. The middleware adds login and rid, records
// the command, sends it, records how it ended (CtiCommandAnswered) and answers with the CTI API's
// reply: 200 Ok/data, 502 Error or no connection, 504 no reply in time.
http::AsyncHandlerFor<commands::cti::AuthenticatedAgent> control(api::cti::CtiService* service) {
  return [service](const http::Request& request, const commands::cti::AuthenticatedAgent& agent,
                   http::Responder respond) {
    auto parsed = domain::cti::parse_control(request.body);
    if (auto* r = std::get_if<domain::Rejection>(&parsed)) return respond(rejection_problem(*r));
    const domain::cti::IssueCommand command{std::get<domain::cti::ControlCommand>(parsed),
                                            service->connector().next_rid()};

    const auto outcome =
        service->lines().issue(agent.cti_login, command, agent_context(request, agent.agent_login));
    // A command that cannot be recorded is not sent: the audit trail has every attempt.
    if (!outcome.ok()) return respond(command_problem(outcome));

    // The answer is recorded under the command's own context, but the request's idempotency key
    // was spent on the command.
    auto answered = agent_context(request, agent.agent_login);
    answered.idempotency_key.reset();
    service->send(
        agent.cti_login, command.rid,
        domain::cti::cti_message(command.command, agent.cti_login, command.rid),
        [service, cti_login = agent.cti_login, answered = std::move(answered),
         respond = std::move(respond), rid = command.rid](Reply reply) {
          // Called on the connector's or the relay's thread, which must not block: the audit
          // trail gets the outcome before the agent does.
          service->post([service, cti_login, answered, respond, rid, reply = std::move(reply)] {
            const auto outcome =
                service->lines().record_answer(cti_login, recorded_answer(rid, reply), answered);
            if (!outcome.ok()) {
              spdlog::warn("cti: cannot record the answer to {}: {}", rid,
                           outcome.error.empty() ? outcome.rejection.message : outcome.error);
            }
            respond(answer(rid, reply));
          });
        });
  };
}

}  // namespace switchboard::api::routes::cti
