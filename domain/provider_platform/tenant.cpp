#include "domain/provider_platform/tenant.hpp"

#include "domain/json.hpp"

namespace switchboard::domain::provider_platform {
namespace {

using Kind = Rejection::Kind;

void write_binding(JsonWriter& w, const std::string& app_id, const App::State& app,
                   const std::string& app_version, std::int64_t configuration) {
  put(w, "app_id", app_id);
  put(w, "provider_code", app.system_name);
  put(w, "app_version", app_version);
  put(w, "configuration_version", configuration);
}

}  // namespace

void Tenant::apply(State& s, std::string_view type, std::string_view data) {
  const auto d = parse(data);
  auto& i = s.installations[text(d, "app_id")];
  if (type == "AppInstalled") {
    s.sandbox = flag(d, "sandbox");
    i = {text(d, "app_id"), text(d, "provider_code"), text(d, "app_version"),
         number(d, "configuration_version"), true};
  } else if (type == "AppUpgraded") {
    i.app_version = text(d, "app_version");
    i.configuration_version = number(d, "configuration_version");
  } else if (type == "AppRemoved") {
    i.active = false;
  }
}

std::variant<std::int64_t, Rejection> configuration_for(const App::State& app,
                                                        const std::string& app_version,
                                                        bool sandbox) {
  if (!app.registered) return Rejection{Kind::not_found, "no such app", "app_id", {}};
  if (!app.scope_enabled) {
    return Rejection{Kind::conflict, "the app is not a communications provider", "app_id", {}};
  }
  if (!app.has_version(app_version)) {
    return Rejection{Kind::not_found, "no such app version", "app_version", {}};
  }
  if (!app.published) {
    if (!sandbox) {
      return Rejection{Kind::conflict,
                       "the app is not published: only sandbox tenants may install it",
                       "app_id",
                       {}};
    }
    if (app.active_configuration == 0) {
      return Rejection{Kind::conflict, "the provider has uploaded no configuration", "app_id", {}};
    }
    return app.active_configuration;
  }
  const auto configuration = app.version_config.at(app_version);
  if (configuration == 0) {
    return Rejection{
        Kind::conflict, "this app version has no provider configuration", "app_version", {}};
  }
  return configuration;
}

Decision decide(const Tenant::State& s, const InstallApp& c, const App::State& app) {
  if (s.sandbox && *s.sandbox != c.sandbox) {
    return reject(Kind::conflict,
                  *s.sandbox ? "this is a sandbox tenant" : "this is a production tenant",
                  "sandbox");
  }
  if (const auto it = s.installations.find(c.app_id);
      it != s.installations.end() && it->second.active) {
    if (it->second.app_version == c.app_version) return std::vector<NewEvent>{};
    return reject(Kind::conflict,
                  "already installed in version " + it->second.app_version + ": upgrade instead",
                  "app_version");
  }
  auto configuration = configuration_for(app, c.app_version, c.sandbox);
  if (auto* r = std::get_if<Rejection>(&configuration)) return *r;
  return std::vector<NewEvent>{{"AppInstalled", json_object([&](JsonWriter& w) {
                                  write_binding(w, c.app_id, app, c.app_version,
                                                std::get<std::int64_t>(configuration));
                                  put(w, "sandbox", c.sandbox);
                                })}};
}

Decision decide(const Tenant::State& s, const UpgradeApp& c, const App::State& app) {
  const auto it = s.installations.find(c.app_id);
  if (it == s.installations.end() || !it->second.active) {
    return reject(Kind::not_found, "the app is not installed for this tenant", "app_id");
  }
  if (it->second.app_version == c.app_version) return std::vector<NewEvent>{};
  auto configuration = configuration_for(app, c.app_version, s.sandbox.value_or(false));
  if (auto* r = std::get_if<Rejection>(&configuration)) return *r;
  return std::vector<NewEvent>{
      {"AppUpgraded", json_object([&](JsonWriter& w) {
         write_binding(w, c.app_id, app, c.app_version, std::get<std::int64_t>(configuration));
         put(w, "from_version", it->second.app_version);
         put(w, "from_configuration_version", it->second.configuration_version);
       })}};
}

Decision decide(const Tenant::State& s, const RemoveApp& c) {
  const auto it = s.installations.find(c.app_id);
  if (it == s.installations.end()) {
    return reject(Kind::not_found, "the app is not installed for this tenant", "app_id");
  }
  if (!it->second.active) return std::vector<NewEvent>{};
  if (c.reason != "disabled" && c.reason != "removed") {
    return reject(Kind::invalid, "must be 'disabled' or 'removed'", "reason");
  }
  // Recorded as the intent: the messaging side deactivates the tenant's main and child accounts
  // of this provider and tells the provider through its app_disabled endpoint.
  const auto& i = it->second;
  return std::vector<NewEvent>{{"AppRemoved", json_object([&](JsonWriter& w) {
                                  put(w, "app_id", c.app_id);
                                  put(w, "provider_code", i.provider_code);
                                  put(w, "app_version", i.app_version);
                                  put(w, "configuration_version", i.configuration_version);
                                  put(w, "reason", c.reason);
                                })}};
}

}  // namespace switchboard::domain::provider_platform
