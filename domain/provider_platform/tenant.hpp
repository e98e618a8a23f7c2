#pragma once

// A CRM tenant's installations of provider apps and the configuration each is bound to (seed
// 001, "configuration per tenant"). Stream "tenant-<tenant_id>". A tenant is a sandbox (test
// stand) or a production tenant from its first installation on; the two never mix.

#include <map>
#include <optional>
#include <string>

#include "domain/decision.hpp"
#include "domain/provider_platform/app.hpp"

namespace switchboard::domain::provider_platform {

struct Installation {
  std::string app_id;
  std::string provider_code;
  std::string app_version;
  std::int64_t configuration_version = 0;
  bool active = false;
};

struct Tenant {
  struct State {
    std::optional<bool> sandbox;                        // unknown until the first installation
    std::map<std::string, Installation> installations;  // by app id
  };
  static constexpr std::string_view category = "tenant";
  static void apply(State& s, std::string_view type, std::string_view data);
};

struct InstallApp {
  std::string app_id;
  std::string app_version;
  bool sandbox = false;
};
struct UpgradeApp {
  std::string app_id;
  std::string app_version;
};
struct RemoveApp {
  std::string app_id;
  std::string reason;  // "disabled" or "removed"
};

// Installing and upgrading read the app's state: which configuration its version has, whether it
// is published.
Decision decide(const Tenant::State& s, const InstallApp& c, const App::State& app);
Decision decide(const Tenant::State& s, const UpgradeApp& c, const App::State& app);
Decision decide(const Tenant::State& s, const RemoveApp& c);

// The configuration a tenant gets for `app_version`, or a rejection: production tenants take the
// configuration bound to that version of a published app; sandbox tenants may also test an
// unpublished app, on its newest (active) configuration.
std::variant<std::int64_t, Rejection> configuration_for(const App::State& app,
                                                        const std::string& app_version,
                                                        bool sandbox);

}  // namespace switchboard::domain::provider_platform
