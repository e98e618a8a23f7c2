#include <charconv>
#include <pqxx/pqxx>

#include "api/routes/command_response.hpp"
#include "api/routes/developer/developer.hpp"

namespace switchboard::api::routes::developer {
namespace {

// Tenants whose binding still points at the version, enough of them to name in the refusal.
// No new binding can appear once the version is neither active nor used by an app version (the
// domain refuses deleting those); only a binding recorded just before that and not yet in the
// read model could slip by.
constexpr int kTenantsNamed = 20;

std::vector<std::string> bound_tenants(eventstore::ConnectionPool& read_models,
                                       const std::string& app_id, std::int64_t version) {
  return read_models.with_connection([&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    std::vector<std::string> tenants;
    for (const auto& row :
         tx.exec_params("SELECT tenant_id FROM tenant_bindings"
                        " WHERE app_id = $1 AND configuration_version = $2 AND active"
                        " ORDER BY tenant_id LIMIT $3",
                        app_id, version, kTenantsNamed)) {
      tenants.emplace_back(row[0].c_str());
    }
    return tenants;
  });
}

}  // namespace

http::HandlerFor<OwnProvider> delete_configuration(Dependencies deps) {
  return [deps](const http::Request& request, const OwnProvider& owner) {
    const auto& [principal, app_id] = owner;

    const auto& text = request.params.at("version");
    std::int64_t version = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), version);
    if (error != std::errc{} || end != text.data() + text.size() || version <= 0) {
      return http::problem(400, "invalid request", "the version is a positive integer",
                           {{"version", "must be a positive integer"}});
    }
    const domain::provider_platform::DeleteConfiguration command{
        version, bound_tenants(deps.read_models, app_id, version)};
    const auto outcome = deps.platform.on_app(app_id, command, command_context(request, principal),
                                              canonical_command(request));
    return respond(outcome,
                   http::Response{.status = 204, .content_type = {}, .body = {}, .headers = {}});
  };
}

}  // namespace switchboard::api::routes::developer
