#pragma once

// The marketplace's internal API (service token, role marketplace or admin): apps, their
// communications scope and versions, developer tokens, tenant installations.

#include <string>

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

// Who calls a tenant installation route (installation_caller in installations.hpp) and the ids
// in its path, as the handlers get them.
struct InstallationCall {
  auth::Principal principal;
  std::string tenant_id;
  std::string app_id;   // from the path; empty on routes without one
  std::string user_id;  // likewise
};

// POST /internal/v1/apps
http::HandlerFor<auth::Principal> register_app(Dependencies deps);
// GET /internal/v1/apps/:app_id
http::HandlerFor<auth::Principal> get_app(Dependencies deps);
// POST /internal/v1/apps/:app_id/versions
http::HandlerFor<auth::Principal> create_app_version(Dependencies deps);
// PUT /internal/v1/apps/:app_id/scopes/communications
http::HandlerFor<auth::Principal> enable_communications_scope(Dependencies deps);
// DELETE /internal/v1/apps/:app_id/scopes/communications
http::HandlerFor<auth::Principal> disable_communications_scope(Dependencies deps);
// POST /internal/v1/apps/:app_id/publication
http::HandlerFor<auth::Principal> request_publication(Dependencies deps);
// POST /internal/v1/developers/:developer_id/tokens
http::HandlerFor<auth::Principal> issue_developer_token(Dependencies deps);

// POST /internal/v1/tenants/:tenant_id/installations
http::HandlerFor<InstallationCall> install_app(Dependencies deps);
// POST /internal/v1/tenants/:tenant_id/installations/:app_id/upgrade
http::HandlerFor<InstallationCall> upgrade_app(Dependencies deps);
// DELETE /internal/v1/tenants/:tenant_id/installations/:app_id?reason=disabled|removed
http::HandlerFor<InstallationCall> remove_app(Dependencies deps);
// GET /internal/v1/tenants/:tenant_id/installations
http::HandlerFor<InstallationCall> list_installations(Dependencies deps);
// GET /internal/v1/tenants/:tenant_id/installations/:app_id/history
http::HandlerFor<InstallationCall> installation_history(Dependencies deps);
// POST /internal/v1/tenants/:tenant_id/users/:user_id/tokens
http::HandlerFor<InstallationCall> issue_user_token(Dependencies deps);

}  // namespace switchboard::api::routes::marketplace
