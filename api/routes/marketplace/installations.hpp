#pragma once

// What the tenant installation routes share: the caller and the ids in the path, and the answer
// that shows a tenant's binding after a command.

#include <string>
#include <variant>

#include "api/routes/marketplace/marketplace.hpp"
#include "api/routes/pagination.hpp"

namespace switchboard::api::routes::marketplace {

struct InstallationCall {
  auth::Principal principal;
  std::string tenant_id;
  std::string app_id;   // from the path; empty on routes without one
  std::string user_id;  // likewise
};

// A marketplace or admin service token and well-formed :tenant_id (and :app_id, :user_id) path
// parameters, or the 401/403/400 to send instead.
std::variant<InstallationCall, http::Response> installation_call(const Dependencies& deps,
                                                                 const http::Request& request);

struct InstallationPageCall {
  InstallationCall call;
  PageRequest page;
};

// installation_call plus the page asked for (limit, cursor), for the list routes.
std::variant<InstallationPageCall, http::Response> installation_page_call(
    const Dependencies& deps, const http::Request& request);

// The command's outcome as an answer: on success `status` with the tenant's binding to `app_id`
// as it stands now (so a retried or repeated command answers the same), else the problem.
http::Response installation_answer(const Dependencies& deps,
                                   const commands::CommandOutcome& outcome,
                                   const std::string& tenant_id, const std::string& app_id,
                                   int status);

}  // namespace switchboard::api::routes::marketplace
