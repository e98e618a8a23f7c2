#pragma once

// One command on the app named by the route's `:app_id`, answered with the app's state right
// after it (see app_state_json): what the marketplace and admin command routes share.

#include "api/routes/command_response.hpp"
#include "api/routes/provider_views.hpp"
#include "commands/provider_platform/platform_commands.hpp"

namespace switchboard::api::routes {

template <class Command>
http::Response run_app_command(commands::provider_platform::PlatformCommands& platform,
                               const http::Request& request, const auth::Principal& principal,
                               const Command& command, int success_status = 200) {
  const auto& app_id = request.params.at("app_id");
  const auto outcome = platform.on_app(app_id, command, command_context(request, principal),
                                       canonical_command(request));
  if (!outcome.ok()) return respond(outcome, {}, body_fields(request));
  return http::json(success_status, app_state_json(platform.app(app_id)));
}

}  // namespace switchboard::api::routes
