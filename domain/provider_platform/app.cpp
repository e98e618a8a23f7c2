#include "domain/provider_platform/app.hpp"

#include <algorithm>
#include <cctype>

#include "domain/json.hpp"
#include "domain/url.hpp"

namespace switchboard::domain::provider_platform {
namespace {

using Kind = Rejection::Kind;

// Endpoint URLs: Switchboard calls them, so an absolute http(s) URL with a host.
constexpr std::size_t kMaxEndpointUrlLength = 2048;

Decision not_registered() {
  return reject(Kind::not_found, "no such app", "app_id");
}

std::vector<NewEvent> one(std::string type, std::string data) {
  return {NewEvent{std::move(type), std::move(data)}};
}

}  // namespace

bool known_endpoint(std::string_view name) {
  return std::ranges::find(kRequiredEndpoints, name) != std::end(kRequiredEndpoints) ||
         std::ranges::find(kOptionalEndpoints, name) != std::end(kOptionalEndpoints);
}

std::optional<std::string> endpoint_url_problem(std::string_view url) {
  if (!http_url(url, kMaxEndpointUrlLength)) return "must be an absolute http or https URL";
  // Calls carry secrets (a client's token, a signature): plain http only where it never leaves
  // the machine.
  if (clear_text_off_loopback(url)) {
    return "must be https: plain http only to a loopback host (127.0.0.0/8, ::1, localhost)";
  }
  return std::nullopt;
}

bool valid_system_name(std::string_view name) {
  if (name.size() < 2 || name.size() > 64) return false;
  if (!std::isalnum(static_cast<unsigned char>(name.front()))) return false;
  return std::ranges::all_of(name, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

std::vector<FieldProblem> validate_configuration(const Configuration& c) {
  std::vector<FieldProblem> problems;
  if (c.version <= 0) problems.push_back({"/version", "must be a positive integer"});
  if (c.app_version.empty()) problems.push_back({"/app_version", "is required"});
  if (c.auth_type != "token") {
    problems.push_back(
        {"/auth_type", c.auth_type == "basic" || c.auth_type == "oauth2"
                           ? "'" + c.auth_type + "' is not supported yet: only 'token' is"
                           : "must be 'token'"});
  }
  for (const auto name : kRequiredEndpoints) {
    if (!c.endpoints.contains(std::string(name))) {
      problems.push_back({"/endpoints/" + std::string(name), "required endpoint is missing"});
    }
  }
  for (const auto& [name, url] : c.endpoints) {
    if (!known_endpoint(name)) {
      problems.push_back({"/endpoints/" + name, "unknown endpoint"});
    } else if (auto problem = endpoint_url_problem(url)) {
      problems.push_back({"/endpoints/" + name, *problem});
    }
  }
  return problems;
}

void App::apply(State& s, std::string_view type, std::string_view data) {
  const auto d = parse(data);
  if (type == "AppRegistered") {
    s.registered = true;
    s.app_id = text(d, "app_id");
    s.system_name = text(d, "system_name");
    s.developer_id = text(d, "developer_id");
    if (auto v = text(d, "initial_version"); !v.empty()) {
      s.versions.push_back(v);
      s.version_config[v] = 0;
    }
  } else if (type == "AppVersionCreated") {
    const auto v = text(d, "version");
    s.versions.push_back(v);
    s.version_config[v] = number(d, "configuration_version");
  } else if (type == "CommunicationsScopeEnabled") {
    s.scope_enabled = true;
    s.scope_enabled_in = text(d, "app_version");
  } else if (type == "ConfigurationUploaded") {
    Configuration c;
    c.version = number(d, "version");
    c.app_version = text(d, "app_version");
    c.auth_type = text(d, "auth_type");
    if (const auto e = d.FindMember("endpoints"); e != d.MemberEnd() && e->value.IsObject()) {
      for (const auto& m : e->value.GetObject()) {
        c.endpoints[m.name.GetString()] = m.value.IsString() ? m.value.GetString() : "";
      }
    }
    s.version_config[c.app_version] = c.version;
    s.active_configuration = c.version;
    s.highest_configuration = std::max(s.highest_configuration, c.version);
    s.configurations[c.version] = std::move(c);
  } else if (type == "ConfigurationDeleted") {
    s.configurations[number(d, "version")].deleted = true;
  } else if (type == "ModerationDecided") {
    s.moderation = text(d, "decision");
    s.moderation_comment = text(d, "comment");
  } else if (type == "TestStandResultRecorded") {
    (text(d, "party") == "provider" ? s.provider_test_passed : s.crm_test_passed) =
        flag(d, "passed");
  } else if (type == "ProductionApproved") {
    s.production_approved = true;
  } else if (type == "AppPublished") {
    s.published = true;
  }
}

Decision decide(const App::State& s, const RegisterApp& c) {
  if (s.registered) {
    // The marketplace retrying its notification is not an error; a different app under the same
    // id is.
    if (s.system_name == c.system_name && s.developer_id == c.developer_id) {
      return std::vector<NewEvent>{};
    }
    return reject(Kind::conflict, "an app with this id is already registered", "app_id");
  }
  if (!valid_system_name(c.system_name)) {
    return reject(
        Kind::invalid,
        "lower-case letters, digits, '_' and '-', 2 to 64, starting with a letter or digit",
        "system_name");
  }
  if (c.developer_id.empty()) return reject(Kind::invalid, "is required", "developer_id");
  return one("AppRegistered", json_object([&](JsonWriter& w) {
               put(w, "app_id", c.app_id);
               put(w, "system_name", c.system_name);
               put(w, "developer_id", c.developer_id);
               if (!c.initial_version.empty()) put(w, "initial_version", c.initial_version);
             }));
}

Decision decide(const App::State& s, const CreateAppVersion& c) {
  if (!s.registered) return not_registered();
  if (c.version.empty()) return reject(Kind::invalid, "is required", "version");
  if (s.has_version(c.version)) return std::vector<NewEvent>{};
  const std::string previous = s.versions.empty() ? std::string() : s.versions.back();
  // The new version starts with the configuration the previous version had (seed 001).
  const auto configuration = previous.empty() ? 0 : s.version_config.at(previous);
  return one("AppVersionCreated", json_object([&](JsonWriter& w) {
               put(w, "version", c.version);
               put(w, "previous_version", previous);
               put(w, "configuration_version", configuration);
             }));
}

Decision decide(const App::State& s, const EnableCommunicationsScope& c) {
  if (!s.registered) return not_registered();
  if (s.scope_enabled) return std::vector<NewEvent>{};
  // The scope is a setting of one app version, so that version must be one the marketplace
  // announced; a typo would otherwise name a version nothing can ever be configured for.
  if (!s.has_version(c.app_version)) {
    return reject(Kind::invalid, "the marketplace has not announced this app version",
                  "/app_version");
  }
  return one("CommunicationsScopeEnabled", json_object([&](JsonWriter& w) {
               put(w, "app_version", c.app_version);
               put(w, "provider_code", s.system_name);
             }));
}

Decision decide(const App::State& s, const DisableCommunicationsScope&) {
  if (!s.registered) return not_registered();
  if (s.scope_enabled) {
    return reject(Kind::conflict, "the communications scope cannot be disabled once enabled",
                  "scope");
  }
  return std::vector<NewEvent>{};
}

Decision decide(const App::State& s, const UploadConfiguration& c) {
  if (!s.registered) return not_registered();
  if (!s.scope_enabled) {
    return reject(Kind::conflict, "enable the communications scope before uploading", "scope");
  }
  if (auto problems = validate_configuration(c.configuration); !problems.empty()) {
    return reject(Kind::invalid, "the configuration is not valid", std::move(problems));
  }
  const auto& cfg = c.configuration;
  if (cfg.version <= s.highest_configuration) {
    return reject(Kind::conflict,
                  "version must be greater than every earlier one (highest: " +
                      std::to_string(s.highest_configuration) + ")",
                  "/version");
  }
  if (!s.has_version(cfg.app_version)) {
    return reject(Kind::invalid, "the marketplace has not announced this app version",
                  "/app_version");
  }
  return one("ConfigurationUploaded", json_object([&](JsonWriter& w) {
               put(w, "version", cfg.version);
               put(w, "app_version", cfg.app_version);
               put(w, "auth_type", cfg.auth_type);
               put(w, "deactivated_version", s.active_configuration);
               w.Key("endpoints");
               w.StartObject();
               for (const auto& [name, url] : cfg.endpoints) put(w, name.c_str(), url);
               w.EndObject();
             }));
}

Decision decide(const App::State& s, const DeleteConfiguration& c) {
  if (!s.registered) return not_registered();
  const auto it = s.configurations.find(c.version);
  if (it == s.configurations.end() || it->second.deleted) {
    return reject(Kind::not_found, "no such configuration version", "version");
  }
  // Every reason at once, so the developer sees all that keeps the version in use.
  std::vector<FieldProblem> in_use;
  if (c.version == s.active_configuration) {
    in_use.push_back({"version", "it is the active configuration: upload a newer one first"});
  }
  for (const auto& [app_version, cfg] : s.version_config) {
    if (cfg == c.version) in_use.push_back({"version", "app version " + app_version + " uses it"});
  }
  for (const auto& tenant : c.bound_tenants) {
    in_use.push_back({"version", "tenant " + tenant + " is bound to it"});
  }
  if (!in_use.empty()) {
    return reject(Kind::conflict, "this configuration version is still in use", std::move(in_use));
  }
  return one("ConfigurationDeleted",
             json_object([&](JsonWriter& w) { put(w, "version", c.version); }));
}

Decision decide(const App::State& s, const DecideModeration& c) {
  if (!s.registered) return not_registered();
  return one("ModerationDecided", json_object([&](JsonWriter& w) {
               put(w, "decision", c.approved ? "approved" : "rejected");
               put(w, "comment", c.comment);
             }));
}

Decision decide(const App::State& s, const RecordTestStandResult& c) {
  if (!s.registered) return not_registered();
  if (c.party != "provider" && c.party != "crm") {
    return reject(Kind::invalid, "must be 'provider' or 'crm'", "party");
  }
  return one("TestStandResultRecorded", json_object([&](JsonWriter& w) {
               put(w, "party", c.party);
               put(w, "passed", c.passed);
               put(w, "comment", c.comment);
             }));
}

Decision decide(const App::State& s, const ApproveForProduction& c) {
  if (!s.registered) return not_registered();
  if (s.production_approved) return std::vector<NewEvent>{};
  return one("ProductionApproved",
             json_object([&](JsonWriter& w) { put(w, "comment", c.comment); }));
}

std::vector<FieldProblem> unmet_publication_conditions(const App::State& s) {
  std::vector<FieldProblem> unmet;
  if (!s.scope_enabled) unmet.push_back({"scope", "the communications scope is not enabled"});
  if (s.active_configuration == 0) {
    unmet.push_back({"configuration", "no provider configuration is installed"});
  }
  if (s.moderation != "approved") {
    unmet.push_back({"moderation", s.moderation == "rejected"
                                       ? "moderation rejected the app: " + s.moderation_comment
                                       : "moderation has not approved the app"});
  }
  if (!s.provider_test_passed) {
    unmet.push_back({"test_stand.provider", "the provider's team has not passed the test stand"});
  }
  if (!s.crm_test_passed) {
    unmet.push_back({"test_stand.crm", "the CRM team has not passed the test stand"});
  }
  if (!s.production_approved) {
    unmet.push_back({"production_approval", "no administrator approved it for production"});
  }
  return unmet;
}

Decision decide(const App::State& s, const RequestPublication&) {
  if (!s.registered) return not_registered();
  if (s.published) return std::vector<NewEvent>{};
  if (auto unmet = unmet_publication_conditions(s); !unmet.empty()) {
    return reject(Kind::conflict, "the app cannot be published yet", std::move(unmet));
  }
  return one("AppPublished",
             json_object([&](JsonWriter& w) { put(w, "provider_code", s.system_name); }));
}

}  // namespace switchboard::domain::provider_platform
