#pragma once

// What every command route does around its command: who is calling (metadata for the audit
// trail) and how the outcome becomes an HTTP answer.

#include <functional>
#include <map>
#include <string>

#include "api/auth/authenticator.hpp"
#include "api/http/types.hpp"
#include "commands/pipeline.hpp"

namespace switchboard::api::routes {

// Tenant, actor, correlation id (the request id), a fresh command id and the Idempotency-Key.
commands::CommandContext command_context(const http::Request& request,
                                         const auth::Principal& principal, std::string tenant = {});

// The text an Idempotency-Key is bound to: method, path, query and body.
std::string canonical_command(const http::Request& request);

// How a route's request names the fields a domain refusal names: a body field by its JSON pointer
// ({"account_id", "/account_id"}). Fields not listed (path parameters, checks) keep the domain's
// name: the domain knows commands, not where a route takes their inputs from.
using FieldNames = std::map<std::string, std::string, std::less<>>;

// The names for a route whose command fields are the top-level members of its JSON body, as
// they are there: each present member by its pointer ("app_id" -> "/app_id"); the rest (path
// parameters) as the domain names them.
FieldNames body_fields(const http::Request& request);

// accepted/duplicate -> `success` (status and body); rejected -> 400/403/404/409 problem naming
// the fields as `names` says; busy -> 503 with Retry-After; failed -> 500.
http::Response respond(const commands::CommandOutcome& outcome, http::Response success,
                       const FieldNames& names = {});

}  // namespace switchboard::api::routes
