#pragma once

// What every command route does around its command: who is calling (metadata for the audit
// trail) and how the outcome becomes an HTTP answer.

#include <rapidjson/document.h>

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "api/auth/authenticator.hpp"
#include "api/http/types.hpp"
#include "commands/pipeline.hpp"

namespace switchboard::api::routes {

// Tenant, actor, correlation id (the request id), a fresh command id and the Idempotency-Key.
commands::CommandContext command_context(const http::Request& request,
                                         const auth::Principal& principal, std::string tenant = {});

// The text an Idempotency-Key is bound to: method, path, query and body.
std::string canonical_command(const http::Request& request);

// How a refusal names the fields the domain refused: a field the request carried in its body by
// its JSON pointer ("account_id" -> "/account_id"), the rest (path parameters, checks) as the
// domain names them: the domain knows commands, not where a route takes their inputs from.
using FieldNames = std::map<std::string, std::string, std::less<>>;

// The names for a command whose fields are the members of the JSON object `body`, which stands
// at `at` in the request's body ("" for the whole body, "/items/3/message" for a bulk item): each
// member present by its pointer; absent ones are not named.
FieldNames body_fields(const rapidjson::Value& body, std::string_view at = {});

// The names for a command whose fields are the top-level members of the request's JSON body.
FieldNames body_fields(const http::Request& request);

// accepted/duplicate -> `success` (status and body); rejected -> 400/403/404/409 problem naming
// the fields as `names` says; busy -> 503 with Retry-After; unavailable -> 503 "database
// unavailable" with Retry-After; failed -> 500.
http::Response respond(const commands::CommandOutcome& outcome, http::Response success,
                       const FieldNames& names = {});

}  // namespace switchboard::api::routes
