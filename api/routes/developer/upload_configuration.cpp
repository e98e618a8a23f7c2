#include <rapidjson/document.h>

#include "api/routes/command_response.hpp"
#include "api/routes/developer/developer.hpp"
#include "domain/json.hpp"

namespace switchboard::api::routes::developer {
namespace {

namespace pp = domain::provider_platform;

// The schema checks only the shape; what is missing or wrong inside is the domain's
// validate_configuration, which lists every problem at once.
pp::Configuration configuration_from(const rapidjson::Document& body) {
  pp::Configuration c;
  c.version = domain::number(body, "version");
  c.app_version = domain::text(body, "app_version");
  c.auth_type = domain::text(body, "auth_type");
  if (const auto e = body.FindMember("endpoints"); e != body.MemberEnd() && e->value.IsObject()) {
    for (const auto& m : e->value.GetObject()) {
      c.endpoints[m.name.GetString()] = m.value.GetString();
    }
  }
  return c;
}

std::string configuration_json(const std::string& code, const pp::Configuration& c) {
  return domain::json_object([&](domain::JsonWriter& w) {
    domain::put(w, "provider_code", code);
    domain::put(w, "version", c.version);
    domain::put(w, "app_version", c.app_version);
    domain::put(w, "auth_type", c.auth_type);
    domain::put(w, "state", "active");
    w.Key("endpoints");
    w.StartObject();
    for (const auto& [name, url] : c.endpoints) domain::put(w, name.c_str(), url);
    w.EndObject();
  });
}

}  // namespace

http::HandlerFor<OwnProvider> upload_configuration(Dependencies deps) {
  return [deps](const http::Request& request, const OwnProvider& owner) {
    const auto& [principal, app_id] = owner;

    const pp::UploadConfiguration command{configuration_from(domain::parse(request.body))};
    const auto outcome = deps.platform.on_app(app_id, command, command_context(request, principal),
                                              canonical_command(request));
    if (!outcome.ok()) return respond(outcome, {}, body_fields(request));
    return http::json(201, configuration_json(request.params.at("code"), command.configuration));
  };
}

}  // namespace switchboard::api::routes::developer
