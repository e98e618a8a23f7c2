#include "api/routes/admin/admin.hpp"
#include "api/routes/app_command.hpp"
#include "domain/json.hpp"

namespace switchboard::api::routes::admin {

// One party's result (the provider's team or the CRM's); the latest result per party counts.
http::Handler record_test_stand_result(Dependencies deps) {
  return [deps](const http::Request& request) {
    const auto caller = deps.auth.service(request, {"admin"});
    if (const auto* refused = std::get_if<http::Response>(&caller)) return *refused;
    const auto body = domain::parse(request.body);
    const domain::provider_platform::RecordTestStandResult command{
        domain::text(body, "party"), domain::flag(body, "passed"), domain::text(body, "comment")};
    return run_app_command(deps.platform, request, std::get<auth::Principal>(caller), command);
  };
}

}  // namespace switchboard::api::routes::admin
