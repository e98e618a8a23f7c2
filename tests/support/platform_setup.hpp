#pragma once

// Drives the provider platform in-process (PlatformCommands against a test database), for tests
// that need apps in a given state without going through the other routes. Every step must be
// accepted; a refusal throws with the aggregate's reason.

#include <stdexcept>
#include <string>

#include "commands/provider_platform/platform_commands.hpp"
#include "eventstore/event_store.hpp"

namespace switchboard::tests {

namespace pp = domain::provider_platform;

class PlatformSetup {
 public:
  explicit PlatformSetup(const std::string& database_url)
      : store_({.database_url = database_url, .flushers = 1, .readers = 1}), platform_(store_) {}

  commands::provider_platform::PlatformCommands& platform() { return platform_; }

  // An app with the communications scope on in `version`: a provider with code `system_name`.
  void provider(const std::string& app_id, const std::string& system_name,
                const std::string& developer_id, const std::string& version) {
    check(platform_.register_app({app_id, system_name, developer_id, version}, context(), ""));
    check(platform_.on_app(app_id, pp::EnableCommunicationsScope{version}, context(), ""));
  }

  void version(const std::string& app_id, const std::string& version) {
    check(platform_.on_app(app_id, pp::CreateAppVersion{version}, context(), ""));
  }

  void configuration(const std::string& app_id, std::int64_t number,
                     const std::string& app_version) {
    pp::Configuration c;
    c.version = number;
    c.app_version = app_version;
    c.auth_type = "token";
    for (const auto name : pp::kRequiredEndpoints) {
      c.endpoints[std::string(name)] = "https://provider.example/" + std::string(name);
    }
    check(platform_.on_app(app_id, pp::UploadConfiguration{c}, context(), ""));
  }

  // Every publication gate passed, then published.
  void publish(const std::string& app_id) {
    check(platform_.on_app(app_id, pp::DecideModeration{true, "ok"}, context(), ""));
    check(
        platform_.on_app(app_id, pp::RecordTestStandResult{"provider", true, "ok"}, context(), ""));
    check(platform_.on_app(app_id, pp::RecordTestStandResult{"crm", true, "ok"}, context(), ""));
    check(platform_.on_app(app_id, pp::ApproveForProduction{"ok"}, context(), ""));
    check(platform_.on_app(app_id, pp::RequestPublication{}, context(), ""));
  }

  template <class Command>
  void tenant(const std::string& tenant_id, const std::string& app_id, const Command& command) {
    auto c = context();
    c.tenant = tenant_id;
    check(platform_.on_tenant(tenant_id, app_id, command, c, ""));
  }

 private:
  static commands::CommandContext context() {
    return {.tenant = {},
            .actor = "test",
            .correlation_id = commands::new_uuid(),
            .causation_id = {},
            .command_id = commands::new_uuid()};
  }

  static void check(const commands::CommandOutcome& outcome) {
    if (!outcome.ok()) {
      throw std::runtime_error("platform setup refused: " + outcome.rejection.message +
                               outcome.error);
    }
  }

  eventstore::EventStore store_;
  commands::provider_platform::PlatformCommands platform_;
};

}  // namespace switchboard::tests
