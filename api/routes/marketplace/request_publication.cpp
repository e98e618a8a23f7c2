#include "api/routes/app_command.hpp"
#include "api/routes/marketplace/marketplace.hpp"

namespace switchboard::api::routes::marketplace {

// 200 once published (again: asking twice is not an error); otherwise 409 listing every unmet
// condition.
http::Handler request_publication(Dependencies deps) {
  return [deps](const http::Request& request) {
    const auto caller = deps.auth.service(request, {"marketplace", "admin"});
    if (const auto* refused = std::get_if<http::Response>(&caller)) return *refused;
    return run_app_command(deps.platform, request, std::get<auth::Principal>(caller),
                           domain::provider_platform::RequestPublication{});
  };
}

}  // namespace switchboard::api::routes::marketplace
