#pragma once

// The provider developer API (developer token; seed 001 "only the app's own developer"): the
// provider's configurations, the update notices that concern it, the developer's own tokens and
// the webhook notices are pushed to.
// Another developer's provider is a 404, the same as one that does not exist, so codes cannot be
// probed.

#include <string>
#include <variant>

#include "api/auth/authenticator.hpp"
#include "api/crypto/sealed_box.hpp"
#include "api/http/router.hpp"
#include "commands/access/access_commands.hpp"
#include "commands/provider_platform/platform_commands.hpp"
#include "eventstore/connection_pool.hpp"

namespace switchboard::api::routes::developer {

struct Dependencies {
  const auth::Authenticator& auth;
  commands::provider_platform::PlatformCommands& platform;
  commands::access::AccessCommands& access;
  eventstore::ConnectionPool& read_models;
  // Seals notice webhook secrets before they enter the log (messaging.secret_key).
  const crypto::Key& secret_key;
};

void register_routes(http::Router& router, Dependencies deps);

// GET /developer/v1/docs/...: the OpenAPI document and the provider guides, localised, without
// credentials (api/routes/developer/documentation.cpp). Rendered on the first request: embedded
// documents it cannot read make those requests a 500 (unit_api_http reads them at build time).
void register_documentation(http::Router& router);

// The calling developer and the app behind `:code`, when that provider is theirs.
struct OwnProvider {
  auth::Principal principal;
  std::string app_id;
};
// 401/403 for a missing or non-developer token; 404 unless `:code` is a provider (its scope is
// on) whose app belongs to the caller. Decided on the app's own state, not a read model, so an
// app just registered is found at once.
http::Credential<OwnProvider> provider_owner(const Dependencies& deps);

// POST /developer/v1/providers/:code/configurations
http::HandlerFor<OwnProvider> upload_configuration(Dependencies deps);
// GET /developer/v1/providers/:code/configurations/active
http::HandlerFor<OwnProvider> get_active_configuration(Dependencies deps);
// GET /developer/v1/providers/:code/configurations
http::HandlerFor<OwnProvider> list_configurations(Dependencies deps);
// DELETE /developer/v1/providers/:code/configurations/:version
http::HandlerFor<OwnProvider> delete_configuration(Dependencies deps);
// GET /developer/v1/providers/:code/notices
http::HandlerFor<OwnProvider> list_notices(Dependencies deps);
// POST /developer/v1/providers/:code/notices/:notice_id/acknowledgement
http::HandlerFor<OwnProvider> acknowledge_notice(Dependencies deps);
// PUT /developer/v1/notice-webhook: registers or replaces the caller's notice webhook; the
// answer shows its new signing secret, once.
http::HandlerFor<auth::Principal> register_notice_webhook(Dependencies deps);
// GET /developer/v1/notice-webhook
http::HandlerFor<auth::Principal> get_notice_webhook(Dependencies deps);
// DELETE /developer/v1/notice-webhook
http::HandlerFor<auth::Principal> remove_notice_webhook(Dependencies deps);
// POST /developer/v1/tokens
http::HandlerFor<auth::Principal> rotate_token(Dependencies deps);

}  // namespace switchboard::api::routes::developer
