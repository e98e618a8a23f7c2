#include "api/routes/marketplace/marketplace.hpp"

namespace switchboard::api::routes::marketplace {

void register_routes(http::Router& router, Dependencies deps) {
  using http::Method;
  router.add(Method::post, "/internal/v1/apps", register_app(deps),
             {.body_schema = "register_app"});
  router.add(Method::get, "/internal/v1/apps/:app_id", get_app(deps));
  router.add(Method::post, "/internal/v1/apps/:app_id/versions", create_app_version(deps),
             {.body_schema = "create_app_version"});
  router.add(Method::put, "/internal/v1/apps/:app_id/scopes/communications",
             enable_communications_scope(deps), {.body_schema = "enable_communications_scope"});
  router.add(Method::del, "/internal/v1/apps/:app_id/scopes/communications",
             disable_communications_scope(deps));
  router.add(Method::post, "/internal/v1/apps/:app_id/publication", request_publication(deps));
  router.add(Method::post, "/internal/v1/developers/:developer_id/tokens",
             issue_developer_token(deps));

  router.add(Method::post, "/internal/v1/tenants/:tenant_id/installations", install_app(deps),
             {.body_schema = "install_app"});
  router.add(Method::post, "/internal/v1/tenants/:tenant_id/installations/:app_id/upgrade",
             upgrade_app(deps), {.body_schema = "upgrade_app"});
  router.add(Method::del, "/internal/v1/tenants/:tenant_id/installations/:app_id",
             remove_app(deps));
  router.add(Method::get, "/internal/v1/tenants/:tenant_id/installations",
             list_installations(deps));
  router.add(Method::get, "/internal/v1/tenants/:tenant_id/installations/:app_id/history",
             installation_history(deps));
  router.add(Method::post, "/internal/v1/tenants/:tenant_id/users/:user_id/tokens",
             issue_user_token(deps));
}

}  // namespace switchboard::api::routes::marketplace
