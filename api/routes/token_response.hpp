#pragma once

// Issuing developer tokens, shared by the marketplace (a developer's first token) and the
// developer API (rotation).

#include <string>

#include "api/auth/authenticator.hpp"
#include "api/http/types.hpp"
#include "commands/access/access_commands.hpp"

namespace switchboard::api::routes {

// command_context without the Idempotency-Key: a secret is shown once, so a replayed request
// could never be answered with it; each call issues a new token instead.
commands::CommandContext token_command_context(const http::Request& request,
                                               const auth::Principal& principal);

// {"developer_id", "token_id", "token", "revoked_token_id"}: the secret, shown this once.
// `revoked_token_id` is empty when no token was revoked.
std::string developer_token_json(const std::string& developer_id,
                                 const commands::access::IssuedToken& token,
                                 const std::string& revoked_token_id);

}  // namespace switchboard::api::routes
