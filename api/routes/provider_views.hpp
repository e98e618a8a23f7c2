#pragma once

// How the provider platform's read models become JSON, shared by the marketplace, developer and
// admin routes: one app with its publication gates, pages of apps and of configurations.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "api/http/types.hpp"
#include "api/routes/pagination.hpp"
#include "domain/json.hpp"
#include "domain/provider_platform/app.hpp"

namespace pqxx {
class transaction_base;
}

namespace switchboard::api::routes {

// `"publication": {"state": "published"|"unpublished", "unmet_conditions": [{field, message}]}`,
// the conditions as the domain judges them.
void write_publication(domain::JsonWriter& w, const domain::provider_platform::App::State& app);

// What a command on an app answers with, from the app's own state right after it:
// {app_id, system_name, developer_id, provider_code, versions: [{version,
// configuration_version}], active_configuration, moderation, publication}.
std::string app_state_json(const domain::provider_platform::App::State& app);

// One app from the `apps` read model with its versions; nullopt when there is none.
std::optional<std::string> app_json(pqxx::transaction_base& tx, const std::string& app_id);

// {"items": [app...], "next_cursor": ...}: every app by id, with its publication state.
std::string apps_page_json(pqxx::transaction_base& tx, const PageRequest& page);

// The app's active configuration ({provider_code, version, app_version, endpoints, auth_type,
// state, uploaded_at}); nullopt when it has none.
std::optional<std::string> active_configuration_json(pqxx::transaction_base& tx,
                                                     const std::string& app_id);

// {"items": [configuration...], "next_cursor": ...} by version, ascending; the cursor is the
// last version shown. nullopt when the cursor is not one of these.
std::optional<std::string> configurations_page_json(pqxx::transaction_base& tx,
                                                    const std::string& app_id,
                                                    const PageRequest& page);

}  // namespace switchboard::api::routes
