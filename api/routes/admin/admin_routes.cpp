#include "api/routes/admin/admin.hpp"
#include "api/routes/publish_notice.hpp"

namespace switchboard::api::routes::admin {

void register_routes(http::Router& router, Dependencies deps) {
  using http::Method;
  const auto admin = deps.auth.service_token({"admin"});
  router.add(Method::post, "/admin/v1/apps/:app_id/moderation", admin, decide_moderation(deps),
             {.body_schema = "moderation_decision"});
  router.add(Method::post, "/admin/v1/apps/:app_id/test-stand", admin,
             record_test_stand_result(deps), {.body_schema = "test_stand_result"});
  router.add(Method::post, "/admin/v1/apps/:app_id/production-approval", admin,
             approve_for_production(deps), {.body_schema = "production_approval"});
  router.add(Method::post, "/admin/v1/notices", admin, publish_notice(deps.platform),
             {.body_schema = "provider_notice"});
  router.add(Method::get, "/admin/v1/providers", admin, list_providers(deps));
  router.add(Method::get, "/admin/v1/errors", admin, list_errors(deps));
}

}  // namespace switchboard::api::routes::admin
