#include "domain/provider_platform/provider_code.hpp"

#include "domain/json.hpp"

namespace switchboard::domain::provider_platform {

void ProviderCode::apply(State& s, std::string_view type, std::string_view data) {
  if (type == "ProviderCodeReserved") s.app_id = text(parse(data), "app_id");
}

Decision decide(const ProviderCode::State& s, const ReserveProviderCode& c) {
  if (s.app_id == c.app_id) return std::vector<NewEvent>{};
  if (!s.app_id.empty()) {
    return reject(Rejection::Kind::conflict, "another app already uses this system name",
                  "system_name");
  }
  return std::vector<NewEvent>{
      {"ProviderCodeReserved", json_object([&](JsonWriter& w) { put(w, "app_id", c.app_id); })}};
}

}  // namespace switchboard::domain::provider_platform
