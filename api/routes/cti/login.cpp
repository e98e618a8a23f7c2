#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "api/http/connection_probe.hpp"
#include "api/routes/cti/cti_routes.hpp"
#include "api/routes/cti/session_auth.hpp"

namespace switchboard::api::routes::cti {
namespace {

using api::cti::Reply;

http::Response session_response(const commands::cti::LoginResult& result, bool secure) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w{buffer};
  w.StartObject();
  w.Key("token");
  w.String(result.token.c_str());
  w.Key("login");
  w.String(result.agent.agent_login.c_str());
  w.Key("ctiLogin");
  w.String(result.agent.cti_login.c_str());
  w.Key("expiresAt");
  w.Int64(result.agent.expires_at);
  w.EndObject();
  auto response = http::json(200, {buffer.GetString(), buffer.GetSize()});
  response.headers.emplace_back("Set-Cookie",
                                std::string{session_cookie} + "=" + result.token +
                                    "; Path=/api/v1; HttpOnly; SameSite=Strict; Max-Age=" +
                                    std::to_string(result.agent.expires_at - std::time(nullptr)) +
                                    (secure ? "; Secure" : ""));
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

// The CTI API refused AttachToUser: the session must not outlive the answer. Its token never
// left the server, so the agent cannot use it either way; ending it records why and detaches.
void refuse(api::cti::CtiService* service, const commands::cti::LoginResult& result,
            const commands::CommandContext& context, const Reply& reply,
            const http::Responder& respond) {
  const auto outcome =
      service->end_session(result.agent, "refused by the CTI API: " + reply.description, context);
  if (!outcome.ok()) {
    spdlog::warn("cti: cannot end the refused session of {}: {}", result.agent.agent_login,
                 outcome.error.empty() ? outcome.rejection.message : outcome.error);
  }
  respond(reply_problem(reply, "the login", "AttachToUser " + result.agent.cti_login, "/login"));
}

// The login's turn in the queue: checks the password, opens the session, attaches its CTI login.
void log_in(api::cti::CtiService* service, const http::Request& request,
            const http::Responder& respond) {
  rapidjson::Document body;
  body.Parse(request.body.data(), request.body.size());
  const std::string login = body["login"].GetString();
  const std::string password = body["password"].GetString();

  auto result = service->sessions().login(login, password, agent_context(request, login));
  using Status = commands::cti::LoginResult::Status;
  if (result.status == Status::bad_credentials) {
    return respond(http::problem(401, "wrong login or password",
                                 "the login/password pair is not valid",
                                 {{"/password", "wrong login or password"}}));
  }
  if (result.status != Status::ok) return respond(command_problem(result.outcome));
  const auto cti_login = result.agent.cti_login;
  service->attach(cti_login, [service, result = std::move(result),
                              ending = agent_context(request, login), respond](Reply reply) {
    switch (reply.status) {
      case Reply::Status::ok:
      case Reply::Status::data:
      // No verdict from the CTI API: the connector keeps the login and attaches it as soon as
      // the CTI connection is (back) up, as it does for every open session after a drop; an
      // outage of the CTI API should not lock agents out of the middleware.
      case Reply::Status::timeout:
      case Reply::Status::unavailable:
        return respond(session_response(result, service->secure_cookie()));
      case Reply::Status::error:
      case Reply::Status::parse_error:
        break;
    }
    // Called on the connector's or the relay's thread, which must not block.
    service->post([service, result, ending, reply = std::move(reply), respond] {
      refuse(service, result, ending, reply, respond);
    });
  });
}

// Asked when the login's turn comes: true when no one waits for its answer any more, the server
// having closed the connection at its request timeout or the client having closed it. Only a
// login that waited a second or more has its socket looked for: the probe walks all of the
// process's descriptors (its cost grows with the open connections), and no client gives up in
// practice on a login served sooner.
std::function<bool()> abandoned(const http::Request& request) {
  using Clock = std::chrono::steady_clock;
  return [queued = Clock::now(), deadline = request.deadline, address = request.remote_address,
          port = request.remote_port, local_port = request.local_port] {
    const auto now = Clock::now();
    if (now >= deadline) return true;
    return now - queued >= std::chrono::seconds{1} &&
           !http::connection_established(address, port, local_port);
  };
}

}  // namespace

// POST /api/v1/login {login, password}: opens a session and attaches its CTI login, then answers
// 200 with the session token (also set as a cookie); 401 for a wrong pair; 502 when the CTI API
// refuses the CTI login (the session is ended again); 503 at once when the logins already queued
// would keep it waiting too long (api/cti/login_queue.hpp). The body was checked against
// api/schemas/cti_login.json.
http::AsyncHandler login(api::cti::CtiService* service) {
  return [service](http::Request request, http::Responder respond) {
    if (service == nullptr) return respond(http::problem(503, "CTI middleware not configured"));
    // The password hash and the session's append block: not on the HTTP server's threads.
    const auto refused = service->logins().post({
        .abandoned = abandoned(request),
        .run = [service, request = std::move(request),
                respond] { log_in(service, request, respond); },
        // The answer goes nowhere, or to a client that only half closed its connection.
        .skip =
            [respond] {
              respond(http::retry_later("login not attempted",
                                        "the client had gone before its turn; log in again"));
            },
    });
    if (refused) {
      respond(http::retry_later(
          "too many logins",
          "more logins are waiting for a password check than the server can serve in time; retry",
          *refused));
    }
  };
}

}  // namespace switchboard::api::routes::cti
