#include "api/routes/developer/developer.hpp"

namespace switchboard::api::routes::developer {

void register_routes(http::Router& router, Dependencies deps) {
  using http::Method;
  constexpr const char* configurations = "/developer/v1/providers/:code/configurations";
  router.add(Method::post, configurations, upload_configuration(deps),
             {.body_schema = "upload_configuration"});
  router.add(Method::get, configurations, list_configurations(deps));
  router.add(Method::get, std::string(configurations) + "/active", get_active_configuration(deps));
  router.add(Method::del, std::string(configurations) + "/:version", delete_configuration(deps));
  router.add(Method::post, "/developer/v1/tokens", rotate_token(deps));
}

std::variant<OwnProvider, http::Response> own_provider(const Dependencies& deps,
                                                       const http::Request& request) {
  auto caller = deps.auth.developer(request);
  if (auto* refused = std::get_if<http::Response>(&caller)) return std::move(*refused);
  auto& principal = std::get<auth::Principal>(caller);
  const auto& code = request.params.at("code");
  std::string app_id;
  if (domain::provider_platform::valid_system_name(code)) app_id = deps.platform.app_for_code(code);
  if (!app_id.empty()) {
    const auto app = deps.platform.app(app_id);
    if (app.scope_enabled && app.developer_id == principal.subject) {
      return OwnProvider{std::move(principal), std::move(app_id)};
    }
  }
  return http::problem(404, "not found", "no provider " + code + " among yours",
                       {{"code", "no such provider"}});
}

}  // namespace switchboard::api::routes::developer
