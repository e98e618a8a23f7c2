#include "projections/provider_platform/tenant_bindings_projection.hpp"

#include <pqxx/pqxx>

#include "domain/json.hpp"
#include "projections/dispatch.hpp"

namespace switchboard::projections::provider_platform {
namespace {

// What each change of a binding reads from its event.
struct Change {
  const eventstore::RecordedEvent& e;
  const rapidjson::Document& d;
  std::string tenant;
  std::string app_id;
  std::string app_version;
  std::int64_t configuration;
};

void installed(pqxx::transaction_base& tx, const Change& c) {
  // A reinstall after a removal takes the row over again.
  tx.exec_params(
      "INSERT INTO tenant_bindings (tenant_id, app_id, provider_code, app_version,"
      " configuration_version, sandbox, active, updated_at)"
      " VALUES ($1, $2, $3, $4, $5, $6, true, $7::timestamptz)"
      " ON CONFLICT (tenant_id, app_id) DO UPDATE SET provider_code = excluded.provider_code,"
      " app_version = excluded.app_version,"
      " configuration_version = excluded.configuration_version, sandbox = excluded.sandbox,"
      " active = true, updated_at = excluded.updated_at",
      c.tenant, c.app_id, domain::text(c.d, "provider_code"), c.app_version, c.configuration,
      domain::flag(c.d, "sandbox"), c.e.recorded_at);
}

void upgraded(pqxx::transaction_base& tx, const Change& c) {
  tx.exec_params(
      "UPDATE tenant_bindings SET app_version = $3, configuration_version = $4,"
      " updated_at = $5::timestamptz WHERE tenant_id = $1 AND app_id = $2",
      c.tenant, c.app_id, c.app_version, c.configuration, c.e.recorded_at);
}

void removed(pqxx::transaction_base& tx, const Change& c) {
  tx.exec_params(
      "UPDATE tenant_bindings SET active = false, updated_at = $3::timestamptz"
      " WHERE tenant_id = $1 AND app_id = $2",
      c.tenant, c.app_id, c.e.recorded_at);
}

struct Binding {
  const char* change;  // as tenant_binding_history names it
  void (*write)(pqxx::transaction_base&, const Change&);
};

constexpr On<Binding> kBindings[] = {
    {"AppInstalled", {"installed", installed}},
    {"AppUpgraded", {"upgraded", upgraded}},
    {"AppRemoved", {"removed", removed}},
};

}  // namespace

eventstore::EventFilter TenantBindingsProjection::filter() const {
  return filter_of(kBindings);
}

void TenantBindingsProjection::apply(pqxx::transaction_base& tx,
                                     std::span<const eventstore::RecordedEvent> events) {
  constexpr std::string_view prefix = "tenant-";
  for (const auto& e : events) {
    if (!e.stream_id.starts_with(prefix)) continue;
    const auto* binding = handler_for(kBindings, e.type);
    if (binding == nullptr) continue;
    const auto d = domain::parse(e.data);
    const Change c{e,
                   d,
                   e.stream_id.substr(prefix.size()),
                   domain::text(d, "app_id"),
                   domain::text(d, "app_version"),
                   domain::number(d, "configuration_version")};
    binding->write(tx, c);
    const auto reason = domain::text(d, "reason");
    tx.exec_params(
        "INSERT INTO tenant_binding_history (tenant_id, app_id, global_position, change,"
        " app_version, configuration_version, reason, recorded_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8::timestamptz)",
        c.tenant, c.app_id, e.position.global_position, binding->change, c.app_version,
        c.configuration,
        reason.empty() ? std::optional<std::string>() : std::optional<std::string>(reason),
        e.recorded_at);
  }
}

}  // namespace switchboard::projections::provider_platform
