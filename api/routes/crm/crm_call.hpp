#pragma once

// What every CRM route starts with: the user's token, and the chat named in the path.

#include <string>
#include <variant>

#include "api/routes/crm/crm.hpp"

namespace switchboard::api::routes::crm {

struct CrmCall {
  auth::Principal principal;  // tenant and user set
  std::string provider_code;  // from the path, on routes with one
  std::string chat_id;        // likewise
};

// A CRM user's token and well-formed path parameters, or the 401/403/400 to send instead.
std::variant<CrmCall, http::Response> crm_call(const Dependencies& deps,
                                               const http::Request& request);

// The connection as its aggregate stands now (so an answer shows the command's effect even
// before the read models do): provider, app, state and accounts.
std::string connection_state_json(const Dependencies& deps, const std::string& tenant_id,
                                  const std::string& provider_code);

}  // namespace switchboard::api::routes::crm
