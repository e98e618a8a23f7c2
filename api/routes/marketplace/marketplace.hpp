#pragma once

// The marketplace's internal API (service token, role marketplace or admin): apps, their
// communications scope and versions, developer tokens, tenant installations.

#include "api/auth/authenticator.hpp"
#include "api/http/router.hpp"
#include "commands/access/access_commands.hpp"
#include "commands/provider_platform/platform_commands.hpp"
#include "eventstore/connection_pool.hpp"

namespace switchboard::api::routes::marketplace {

struct Dependencies {
  const auth::Authenticator& auth;
  commands::provider_platform::PlatformCommands& platform;
  eventstore::ConnectionPool& read_models;
  commands::access::AccessCommands& access;
};

void register_routes(http::Router& router, Dependencies deps);

// POST /internal/v1/apps
http::Handler register_app(Dependencies deps);
// GET /internal/v1/apps/:app_id
http::Handler get_app(Dependencies deps);
// POST /internal/v1/apps/:app_id/versions
http::Handler create_app_version(Dependencies deps);
// PUT /internal/v1/apps/:app_id/scopes/communications
http::Handler enable_communications_scope(Dependencies deps);
// DELETE /internal/v1/apps/:app_id/scopes/communications
http::Handler disable_communications_scope(Dependencies deps);
// POST /internal/v1/apps/:app_id/publication
http::Handler request_publication(Dependencies deps);
// POST /internal/v1/developers/:developer_id/tokens
http::Handler issue_developer_token(Dependencies deps);

// POST /internal/v1/tenants/:tenant_id/installations
http::Handler install_app(Dependencies deps);
// POST /internal/v1/tenants/:tenant_id/installations/:app_id/upgrade
http::Handler upgrade_app(Dependencies deps);
// DELETE /internal/v1/tenants/:tenant_id/installations/:app_id?reason=disabled|removed
http::Handler remove_app(Dependencies deps);
// GET /internal/v1/tenants/:tenant_id/installations
http::Handler list_installations(Dependencies deps);
// GET /internal/v1/tenants/:tenant_id/installations/:app_id/history
http::Handler installation_history(Dependencies deps);
// POST /internal/v1/tenants/:tenant_id/users/:user_id/tokens
http::Handler issue_user_token(Dependencies deps);

}  // namespace switchboard::api::routes::marketplace
