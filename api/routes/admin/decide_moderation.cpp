#include "api/routes/admin/admin.hpp"
#include "api/routes/app_command.hpp"
#include "domain/json.hpp"

namespace switchboard::api::routes::admin {

// The latest decision counts: a rejected app may be approved after the developer fixed it.
http::HandlerFor<auth::Principal> decide_moderation(Dependencies deps) {
  return [deps](const http::Request& request, const auth::Principal& caller) {
    const auto body = domain::parse(request.body);
    const domain::provider_platform::DecideModeration command{
        domain::text(body, "decision") == "approved", domain::text(body, "comment")};
    return run_app_command(deps.platform, request, caller, command);
  };
}

}  // namespace switchboard::api::routes::admin
