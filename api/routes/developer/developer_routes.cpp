#include "api/routes/developer/developer.hpp"

namespace switchboard::api::routes::developer {

void register_routes(http::Router& router, Dependencies deps) {
  using http::Method;
  const auto owner = provider_owner(deps);
  constexpr const char* configurations = "/developer/v1/providers/:code/configurations";
  router.add(Method::post, configurations, owner, upload_configuration(deps),
             {.body_schema = "upload_configuration"});
  router.add(Method::get, configurations, owner, list_configurations(deps));
  router.add(Method::get, std::string(configurations) + "/active", owner,
             get_active_configuration(deps));
  router.add(Method::del, std::string(configurations) + "/:version", owner,
             delete_configuration(deps));
  constexpr const char* notices = "/developer/v1/providers/:code/notices";
  router.add(Method::get, notices, owner, list_notices(deps));
  router.add(Method::post, std::string(notices) + "/:notice_id/acknowledgement", owner,
             acknowledge_notice(deps));
  constexpr const char* notice_webhook = "/developer/v1/notice-webhook";
  router.add(Method::put, notice_webhook, deps.auth.developer_token(),
             register_notice_webhook(deps), {.body_schema = "notice_webhook"});
  router.add(Method::get, notice_webhook, deps.auth.developer_token(), get_notice_webhook(deps));
  router.add(Method::del, notice_webhook, deps.auth.developer_token(), remove_notice_webhook(deps));
  router.add(Method::post, "/developer/v1/tokens", deps.auth.developer_token(), rotate_token(deps));
  register_documentation(router);
}

http::Credential<OwnProvider> provider_owner(const Dependencies& deps) {
  return http::refined(
      deps.auth.developer_token(),
      [deps](const http::Request& request,
             auth::Principal principal) -> std::variant<OwnProvider, http::Response> {
        const auto& code = request.params.at("code");
        std::string app_id;
        if (domain::provider_platform::valid_system_name(code))
          app_id = deps.platform.app_for_code(code);
        if (!app_id.empty()) {
          const auto app = deps.platform.app(app_id);
          if (app.scope_enabled && app.developer_id == principal.subject) {
            return OwnProvider{std::move(principal), std::move(app_id)};
          }
        }
        return http::problem(404, "not found", "no provider " + code + " among yours",
                             {{"code", "no such provider"}});
      });
}

}  // namespace switchboard::api::routes::developer
