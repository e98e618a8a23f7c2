#pragma once

// The update notices to providers (seed 000, "Удобство" 3) as the operator (/admin/v1/notices)
// and the marketplace (/internal/v1/notices) handle them: publishing, the list with who has read
// each, one notice with every provider's read state, correcting, withdrawing. Both faces register
// the same routes: they differ only in who may call.

#include <string>

#include "api/auth/authenticator.hpp"
#include "api/http/router.hpp"
#include "commands/provider_platform/platform_commands.hpp"
#include "eventstore/connection_pool.hpp"

namespace switchboard::api::routes {

struct NoticeDependencies {
  commands::provider_platform::PlatformCommands& platform;
  eventstore::ConnectionPool& read_models;
};

// POST and GET `prefix`, GET and PUT `prefix`/:notice_id, POST `prefix`/:notice_id/withdrawal.
void add_notice_routes(http::Router& router, const std::string& prefix,
                       const http::Credential<auth::Principal>& caller, NoticeDependencies deps);

}  // namespace switchboard::api::routes
