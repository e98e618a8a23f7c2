#include "projections/provider_platform/tenant_bindings_projection.hpp"

#include <pqxx/pqxx>

#include "domain/json.hpp"

namespace switchboard::projections::provider_platform {

void TenantBindingsProjection::apply(pqxx::transaction_base& tx,
                                     std::span<const eventstore::RecordedEvent> events) {
  constexpr std::string_view prefix = "tenant-";
  for (const auto& e : events) {
    if (!e.stream_id.starts_with(prefix)) continue;
    const char* change = e.type == "AppInstalled"  ? "installed"
                         : e.type == "AppUpgraded" ? "upgraded"
                         : e.type == "AppRemoved"  ? "removed"
                                                   : nullptr;
    if (change == nullptr) continue;
    const auto tenant = e.stream_id.substr(prefix.size());
    const auto d = domain::parse(e.data);
    const auto app_id = domain::text(d, "app_id");
    const auto app_version = domain::text(d, "app_version");
    const auto configuration = domain::number(d, "configuration_version");
    if (e.type == "AppInstalled") {
      // A reinstall after a removal takes the row over again.
      tx.exec_params(
          "INSERT INTO tenant_bindings (tenant_id, app_id, provider_code, app_version,"
          " configuration_version, sandbox, active, updated_at)"
          " VALUES ($1, $2, $3, $4, $5, $6, true, $7::timestamptz)"
          " ON CONFLICT (tenant_id, app_id) DO UPDATE SET provider_code = excluded.provider_code,"
          " app_version = excluded.app_version,"
          " configuration_version = excluded.configuration_version, sandbox = excluded.sandbox,"
          " active = true, updated_at = excluded.updated_at",
          tenant, app_id, domain::text(d, "provider_code"), app_version, configuration,
          domain::flag(d, "sandbox"), e.recorded_at);
    } else if (e.type == "AppUpgraded") {
      tx.exec_params(
          "UPDATE tenant_bindings SET app_version = $3, configuration_version = $4,"
          " updated_at = $5::timestamptz WHERE tenant_id = $1 AND app_id = $2",
          tenant, app_id, app_version, configuration, e.recorded_at);
    } else {
      tx.exec_params(
          "UPDATE tenant_bindings SET active = false, updated_at = $3::timestamptz"
          " WHERE tenant_id = $1 AND app_id = $2",
          tenant, app_id, e.recorded_at);
    }
    const auto reason = domain::text(d, "reason");
    tx.exec_params(
        "INSERT INTO tenant_binding_history (tenant_id, app_id, global_position, change,"
        " app_version, configuration_version, reason, recorded_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8::timestamptz)",
        tenant, app_id, e.position.global_position, change, app_version, configuration,
        reason.empty() ? std::optional<std::string>() : std::optional<std::string>(reason),
        e.recorded_at);
  }
}

}  // namespace switchboard::projections::provider_platform
