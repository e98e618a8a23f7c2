#include "api/routes/admin/admin.hpp"
#include "api/routes/app_command.hpp"
#include "domain/json.hpp"

namespace switchboard::api::routes::admin {

// One party's result (the provider's team or the CRM's); the latest result per party counts.
http::HandlerFor<auth::Principal> record_test_stand_result(Dependencies deps) {
  return [deps](const http::Request& request, const auth::Principal& caller) {
    const auto body = domain::parse(request.body);
    const domain::provider_platform::RecordTestStandResult command{
        domain::text(body, "party"), domain::flag(body, "passed"), domain::text(body, "comment")};
    return run_app_command(deps.platform, request, caller, command);
  };
}

}  // namespace switchboard::api::routes::admin
