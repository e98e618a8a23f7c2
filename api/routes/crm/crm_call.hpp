#pragma once

// Who calls every CRM route: the user's token, and the chat named in the path.

#include <string>

#include "api/routes/crm/crm.hpp"

namespace switchboard::api::routes::crm {

// A CRM user's token and well-formed path parameters; the 401/403/400 to send instead.
http::Credential<CrmCall> crm_caller(const Dependencies& deps);

// The connection as its aggregate stands now (so an answer shows the command's effect even
// before the read models do): provider, app, state and accounts.
std::string connection_state_json(const Dependencies& deps, const std::string& tenant_id,
                                  const std::string& provider_code);

// The client token a recorded connection command retired (deactivated, or replaced by a new
// one) is refused on this node from now on, not when the projection's notification comes back,
// even when the projection has not applied the command by the time the route answers.
void forget_retired_token(const Dependencies& deps, const commands::CommandOutcome& outcome);

}  // namespace switchboard::api::routes::crm
