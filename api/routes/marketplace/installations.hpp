#pragma once

// What the tenant installation routes share: the caller and the ids in the path, and the answer
// that shows a tenant's binding after a command.

#include "api/routes/marketplace/marketplace.hpp"
#include "api/routes/pagination.hpp"

namespace switchboard::api::routes::marketplace {

// A marketplace or admin service token and well-formed :tenant_id (and :app_id, :user_id) path
// parameters; the 401/403/400 to send instead.
http::Credential<InstallationCall> installation_caller(const Dependencies& deps);

// The command's outcome as an answer: on success `status` with the tenant's binding to `app_id`
// as it stands now (so a retried or repeated command answers the same), else the problem.
http::Response installation_answer(const Dependencies& deps, const http::Request& request,
                                   const commands::CommandOutcome& outcome,
                                   const std::string& tenant_id, const std::string& app_id,
                                   int status);

}  // namespace switchboard::api::routes::marketplace
