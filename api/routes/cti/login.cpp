#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "api/routes/cti/cti_routes.hpp"
#include "api/routes/cti/session_auth.hpp"

namespace switchboard::api::routes::cti {

// POST /api/v1/login {login, password}: 200 with the session token (also set as a cookie), 401
// for a wrong pair. The body was checked against api/schemas/cti_login.json.
http::Handler login(api::cti::CtiService* service) {
  return [service](const http::Request& request) {
    if (service == nullptr) return http::problem(503, "CTI middleware not configured");
    rapidjson::Document body;
    body.Parse(request.body.data(), request.body.size());
    const std::string login = body["login"].GetString();
    const std::string password = body["password"].GetString();

    const auto result = service->sessions().login(login, password, agent_context(request, login));
    using Status = commands::cti::LoginResult::Status;
    if (result.status == Status::bad_credentials) {
      return http::problem(401, "wrong login or password", "the login/password pair is not valid",
                           {{"/password", "wrong login or password"}});
    }
    if (result.status != Status::ok) {
      return http::problem(500, "login failed", result.error);
    }
    service->attach(result.agent.cti_login);

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
                                      std::to_string(result.agent.expires_at - std::time(nullptr)));
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
  };
}

}  // namespace switchboard::api::routes::cti
