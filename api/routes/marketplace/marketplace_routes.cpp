#include "api/routes/marketplace/installations.hpp"
#include "api/routes/marketplace/marketplace.hpp"
#include "api/routes/publish_notice.hpp"

namespace switchboard::api::routes::marketplace {

void register_routes(http::Router& router, Dependencies deps) {
  using http::Method;
  const auto service = deps.auth.service_token({"marketplace", "admin"});
  const auto installation = installation_caller(deps);
  router.add(Method::post, "/internal/v1/apps", service, register_app(deps),
             {.body_schema = "register_app"});
  router.add(Method::get, "/internal/v1/apps/:app_id", service, get_app(deps));
  router.add(Method::post, "/internal/v1/apps/:app_id/versions", service, create_app_version(deps),
             {.body_schema = "create_app_version"});
  router.add(Method::put, "/internal/v1/apps/:app_id/scopes/communications", service,
             enable_communications_scope(deps), {.body_schema = "enable_communications_scope"});
  router.add(Method::del, "/internal/v1/apps/:app_id/scopes/communications", service,
             disable_communications_scope(deps));
  router.add(Method::post, "/internal/v1/apps/:app_id/publication", service,
             request_publication(deps));
  router.add(Method::post, "/internal/v1/developers/:developer_id/tokens", service,
             issue_developer_token(deps));
  router.add(Method::post, "/internal/v1/notices", service, publish_notice(deps.platform),
             {.body_schema = "provider_notice"});

  router.add(Method::post, "/internal/v1/tenants/:tenant_id/installations", installation,
             install_app(deps), {.body_schema = "install_app"});
  router.add(Method::post, "/internal/v1/tenants/:tenant_id/installations/:app_id/upgrade",
             installation, upgrade_app(deps), {.body_schema = "upgrade_app"});
  router.add(Method::del, "/internal/v1/tenants/:tenant_id/installations/:app_id", installation,
             remove_app(deps));
  router.add(Method::get, "/internal/v1/tenants/:tenant_id/installations", installation,
             list_installations(deps));
  router.add(Method::get, "/internal/v1/tenants/:tenant_id/installations/:app_id/history",
             installation, installation_history(deps));
  router.add(Method::post, "/internal/v1/tenants/:tenant_id/users/:user_id/tokens", installation,
             issue_user_token(deps));
}

}  // namespace switchboard::api::routes::marketplace
