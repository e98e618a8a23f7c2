#pragma once

// POST /admin/v1/notices and /internal/v1/notices: the operator or the marketplace publishes an
// update notice to providers (seed 000, "Удобство" 3). One handler for both faces: they differ
// only in who may call.

#include "api/auth/authenticator.hpp"
#include "api/http/router.hpp"
#include "commands/provider_platform/platform_commands.hpp"

namespace switchboard::api::routes {

http::HandlerFor<auth::Principal> publish_notice(
    commands::provider_platform::PlatformCommands& platform);

}  // namespace switchboard::api::routes
