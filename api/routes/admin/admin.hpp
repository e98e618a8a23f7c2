#pragma once

// The admin API (service token with role admin only; the marketplace's tokens get 403): the
// decisions that gate a provider's publication, the list of providers with what each still
// lacks, and the update notices to providers (api/routes/operator_notices.hpp).

#include "api/auth/authenticator.hpp"
#include "api/http/router.hpp"
#include "commands/provider_platform/platform_commands.hpp"
#include "eventstore/connection_pool.hpp"

namespace switchboard::api::routes::admin {

struct Dependencies {
  const auth::Authenticator& auth;
  commands::provider_platform::PlatformCommands& platform;
  eventstore::ConnectionPool& read_models;
};

void register_routes(http::Router& router, Dependencies deps);

// POST /admin/v1/apps/:app_id/moderation
http::HandlerFor<auth::Principal> decide_moderation(Dependencies deps);
// POST /admin/v1/apps/:app_id/test-stand
http::HandlerFor<auth::Principal> record_test_stand_result(Dependencies deps);
// POST /admin/v1/apps/:app_id/production-approval
http::HandlerFor<auth::Principal> approve_for_production(Dependencies deps);
// GET /admin/v1/providers
http::HandlerFor<auth::Principal> list_providers(Dependencies deps);
// GET /admin/v1/errors
http::HandlerFor<auth::Principal> list_errors(Dependencies deps);

}  // namespace switchboard::api::routes::admin
