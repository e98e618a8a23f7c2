#pragma once

// A marketplace app and the communications provider it becomes (seeds 000, 001): registration,
// the communications scope, app versions, versioned provider configurations and the gates to
// publication. Stream "app-<app_id>"; the provider's code is the app's system name.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/decision.hpp"

namespace switchboard::domain::provider_platform {

// The provider endpoints Switchboard calls. Names are the JSON keys of a configuration's
// `endpoints` object.
inline constexpr std::string_view kRequiredEndpoints[] = {
    "list_accounts",       "send_message",          "read_chat",
    "update_message_text", "update_message_status", "app_disabled"};
inline constexpr std::string_view kOptionalEndpoints[] = {"message_history", "bulk_send",
                                                          "set_webhook", "remove_webhook"};

// One of kRequiredEndpoints or kOptionalEndpoints.
bool known_endpoint(std::string_view name);

// What is wrong with a URL Switchboard is to call at a provider (a configuration's endpoint, a
// notice webhook): not an absolute http(s) URL, or plain http to a host that is not loopback.
// nullopt when nothing is.
std::optional<std::string> endpoint_url_problem(std::string_view url);

struct Configuration {
  std::int64_t version = 0;
  std::string app_version;
  std::map<std::string, std::string> endpoints;  // name -> absolute http(s) URL
  std::string auth_type;                         // "token" (the only one supported yet)
  bool deleted = false;
};

struct App {
  struct State {
    bool registered = false;
    std::string app_id;
    std::string system_name;
    std::string developer_id;
    std::vector<std::string> versions;                   // in creation order
    std::map<std::string, std::int64_t> version_config;  // app version -> configuration (0: none)
    bool scope_enabled = false;
    std::string scope_enabled_in;
    std::map<std::int64_t, Configuration> configurations;
    std::int64_t active_configuration = 0;
    std::int64_t highest_configuration = 0;
    std::string moderation;  // "", "approved", "rejected"
    std::string moderation_comment;
    bool provider_test_passed = false;
    bool crm_test_passed = false;
    bool production_approved = false;
    bool published = false;

    bool has_version(std::string_view v) const { return version_config.contains(std::string(v)); }
    // The provider's code, once the scope is on.
    std::string provider_code() const { return scope_enabled ? system_name : std::string(); }
  };
  static constexpr std::string_view category = "app";
  static void apply(State& s, std::string_view type, std::string_view data);
};

// Every reason a configuration cannot be accepted, each naming its field (e.g.
// "/endpoints/send_message"). Empty when valid.
std::vector<FieldProblem> validate_configuration(const Configuration& c);

// A system name usable as a provider code: lower-case letters, digits, '_' and '-', 2 to 64.
bool valid_system_name(std::string_view name);

struct RegisterApp {
  std::string app_id;
  std::string system_name;
  std::string developer_id;
  std::string initial_version;  // the app's first version, when the marketplace knows it
};
struct CreateAppVersion {
  std::string version;
};
struct EnableCommunicationsScope {
  std::string app_version;
};
struct DisableCommunicationsScope {};
struct UploadConfiguration {
  Configuration configuration;
};
struct DeleteConfiguration {
  std::int64_t version = 0;
  // Tenants still bound to this version (the tenant bindings read model): a configuration in use
  // is never deleted from under them; they move off it only by upgrading.
  std::vector<std::string> bound_tenants;
};
struct DecideModeration {
  bool approved = false;
  std::string comment;
};
struct RecordTestStandResult {
  std::string party;  // "provider" or "crm"
  bool passed = false;
  std::string comment;
};
struct ApproveForProduction {
  std::string comment;
};
struct RequestPublication {};

Decision decide(const App::State& s, const RegisterApp& c);
Decision decide(const App::State& s, const CreateAppVersion& c);
Decision decide(const App::State& s, const EnableCommunicationsScope& c);
Decision decide(const App::State& s, const DisableCommunicationsScope& c);
Decision decide(const App::State& s, const UploadConfiguration& c);
Decision decide(const App::State& s, const DeleteConfiguration& c);
Decision decide(const App::State& s, const DecideModeration& c);
Decision decide(const App::State& s, const RecordTestStandResult& c);
Decision decide(const App::State& s, const ApproveForProduction& c);
Decision decide(const App::State& s, const RequestPublication& c);

// The publication conditions not yet met, each as {condition, why}; empty when publishable.
std::vector<FieldProblem> unmet_publication_conditions(const App::State& s);

}  // namespace switchboard::domain::provider_platform
