#include "api/routes/marketplace/installations.hpp"

#include <algorithm>
#include <cctype>

#include "api/routes/command_response.hpp"
#include "domain/json.hpp"

namespace switchboard::api::routes::marketplace {

namespace {

// A marketplace id (tenant, app): what may become part of a stream id.
bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 64 || !std::isalnum(static_cast<unsigned char>(id.front()))) {
    return false;
  }
  return std::ranges::all_of(id, [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

std::variant<InstallationCall, http::Response> installation_call(const http::Request& request,
                                                                 auth::Principal principal) {
  InstallationCall call{std::move(principal), {}, {}, {}};
  std::vector<http::FieldError> errors;
  for (const char* name : {"tenant_id", "app_id", "user_id"}) {
    const auto it = request.params.find(name);
    if (it == request.params.end()) continue;
    if (!valid_id(it->second)) {
      errors.push_back({name,
                        "letters, digits, '_', '.' and '-', 1 to 64, starting with a"
                        " letter or digit"});
    }
    (name == std::string_view("tenant_id") ? call.tenant_id
     : name == std::string_view("app_id")  ? call.app_id
                                           : call.user_id) = it->second;
  }
  if (!errors.empty()) {
    return http::problem(400, "invalid request", "bad path parameter", std::move(errors));
  }
  return call;
}

}  // namespace

http::Credential<InstallationCall> installation_caller(const Dependencies& deps) {
  return http::refined(deps.auth.service_token({"marketplace", "admin"}), installation_call);
}

http::Response installation_answer(const Dependencies& deps, const http::Request& request,
                                   const commands::CommandOutcome& outcome,
                                   const std::string& tenant_id, const std::string& app_id,
                                   int status) {
  if (!outcome.ok()) return respond(outcome, {}, body_fields(request));
  const auto tenant = deps.platform.tenant(tenant_id);
  const auto it = tenant.installations.find(app_id);
  if (it == tenant.installations.end()) {
    // An accepted command leaves the installation in the aggregate; answered, not assumed.
    return http::problem(404, "not found", "the app is not installed for this tenant",
                         {{"app_id", "not installed"}});
  }
  const auto& i = it->second;
  return http::json(status, domain::json_object([&](domain::JsonWriter& w) {
                      domain::put(w, "tenant_id", tenant_id);
                      domain::put(w, "app_id", i.app_id);
                      domain::put(w, "provider_code", i.provider_code);
                      domain::put(w, "app_version", i.app_version);
                      domain::put(w, "configuration_version", i.configuration_version);
                      domain::put(w, "sandbox", tenant.sandbox.value_or(false));
                      domain::put(w, "active", i.active);
                    }));
}

}  // namespace switchboard::api::routes::marketplace
