#pragma once

// A provider code (an app's system name) belongs to one app: registering an app first reserves
// its system name in stream "providercode-<name>", so two apps can never share a code.

#include <string>

#include "domain/decision.hpp"

namespace switchboard::domain::provider_platform {

struct ProviderCode {
  struct State {
    std::string app_id;  // empty while free
  };
  static constexpr std::string_view category = "providercode";
  static void apply(State& s, std::string_view type, std::string_view data);
};

struct ReserveProviderCode {
  std::string app_id;
};
Decision decide(const ProviderCode::State& s, const ReserveProviderCode& c);

}  // namespace switchboard::domain::provider_platform
