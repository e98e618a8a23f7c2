#pragma once

#include <string>

#include "api/cti/cti_service.hpp"
#include "api/http/router.hpp"
#include "commands/command_context.hpp"
#include "domain/decision.hpp"

namespace switchboard::api::routes::cti {

inline constexpr const char* session_cookie = "switchboard_session";

// What control, events and logout callers present: a session token, as `Authorization: Bearer
// <token>` or in the session cookie. 401 without a valid session, 503 when the CTI middleware is
// not configured; the check and the handler run on the CTI service's workers.
http::Credential<commands::cti::AuthenticatedAgent> agent_session(api::cti::CtiService* service);

// Metadata for the commands an agent's request causes.
commands::CommandContext agent_context(const http::Request& request, const std::string& agent);

// A command that did not go through, answered as everywhere in the API (routes::respond): its
// refusal as 400/403/404/409 naming the field, busy and an unreachable store as 503 with
// Retry-After, a store that refused to record it as 500.
http::Response command_problem(const commands::CommandOutcome& outcome);
// A request refused before any command: as command_problem for a rejected outcome.
http::Response rejection_problem(domain::Rejection rejection);

// A CTI reply other than Ok/data as a problem: 502 when the CTI API answered Error (its
// description is the detail, reported on the body's `field`) or is not connected, 504 when it did
// not answer in time, 500 for ParseError. `what` is what the agent asked for ("the command"),
// `sent` what went to the CTI API ("rid 7c64fd7354b6-8").
http::Response reply_problem(const api::cti::Reply& reply, const std::string& what,
                             const std::string& sent, const std::string& field);

}  // namespace switchboard::api::routes::cti
