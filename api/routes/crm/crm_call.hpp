#pragma once

// Who calls every CRM route: the user's token, and the chat named in the path.

#include <string>

#include "api/routes/command_response.hpp"
#include "api/routes/crm/crm.hpp"

namespace switchboard::api::routes::crm {

// A CRM user's token and well-formed path parameters; the 401/403/400 to send instead.
http::Credential<CrmCall> crm_caller(const Dependencies& deps);

// The answer of a connection command (activation, deactivation): once recorded, the messaging
// projection has applied it (the provider may call with a token as soon as the tenant is told it
// is active) and the token it retired is refused on this node; then `status` with the connection
// as the command left it: provider, app, state, sync and accounts. Else the outcome's refusal,
// naming the fields as `names` says.
http::Response connection_answer(const Dependencies& deps, const commands::CommandOutcome& outcome,
                                 int status, const std::string& tenant_id,
                                 const std::string& provider_code, const FieldNames& names = {});

}  // namespace switchboard::api::routes::crm
