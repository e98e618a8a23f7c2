#include "api/routes/cti/cti_routes.hpp"
#include "api/routes/cti/session_auth.hpp"

namespace switchboard::api::routes::cti {

// POST /api/v1/logout: ends the caller's session (204); the CTI login is detached when no other
// session of it is open.
http::HandlerFor<commands::cti::AuthenticatedAgent> logout(api::cti::CtiService* service) {
  return [service](const http::Request& request, const commands::cti::AuthenticatedAgent& agent) {
    const auto outcome =
        service->end_session(agent, "logout", agent_context(request, agent.agent_login));
    if (!outcome.ok()) return command_problem(outcome);
    http::Response response{.status = 204, .content_type = {}, .body = {}, .headers = {}};
    response.headers.emplace_back("Set-Cookie", std::string{session_cookie} +
                                                    "=; Path=/api/v1; HttpOnly; SameSite=Strict; "
                                                    "Max-Age=0");
    return response;
  };
}

}  // namespace switchboard::api::routes::cti
