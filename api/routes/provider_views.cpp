#include "api/routes/provider_views.hpp"

#include <pqxx/pqxx>

#include "api/routes/sql_views.hpp"

namespace switchboard::api::routes {
namespace {

namespace pp = domain::provider_platform;
using domain::JsonWriter;
using domain::put;

const std::string kAppColumns =
    "app_id, system_name, developer_id, provider_code, scope_enabled_in, active_configuration,"
    " moderation, moderation_comment, provider_test_passed, provider_test_comment,"
    " crm_test_passed, crm_test_comment, production_approved, production_comment, published, " +
    iso_time("registered_at") + ", " + iso_time("published_at");

// The gates as the domain sees them, rebuilt from the read model, so the API reports exactly the
// conditions a publication request would be refused for.
pp::App::State gates(const pqxx::row& r) {
  pp::App::State s;
  s.registered = true;
  s.system_name = r[1].c_str();
  s.scope_enabled = !r[3].is_null();
  s.active_configuration = r[5].is_null() ? 0 : r[5].as<std::int64_t>();
  s.moderation = r[6].c_str() == std::string_view("pending") ? "" : r[6].c_str();
  s.moderation_comment = r[7].c_str();
  s.provider_test_passed = !r[8].is_null() && r[8].as<bool>();
  s.crm_test_passed = !r[10].is_null() && r[10].as<bool>();
  s.production_approved = r[12].as<bool>();
  s.published = r[14].as<bool>();
  return s;
}

void write_app(JsonWriter& w, const pqxx::row& r) {
  put(w, "app_id", r[0].c_str());
  put(w, "system_name", r[1].c_str());
  put(w, "developer_id", r[2].c_str());
  put_nullable(w, "provider_code", r[3]);
  w.Key("communications_scope");
  w.StartObject();
  w.Key("enabled");
  w.Bool(!r[3].is_null());
  put_nullable(w, "enabled_in", r[4]);
  w.EndObject();
  put_nullable_number(w, "active_configuration", r[5]);
  w.Key("moderation");
  w.StartObject();
  put(w, "decision", r[6].c_str());
  put(w, "comment", r[7].c_str());
  w.EndObject();
  w.Key("test_stand");
  w.StartObject();
  for (const auto& [party, column] : {std::pair{"provider", 8}, std::pair{"crm", 10}}) {
    w.Key(party);
    w.StartObject();
    put_nullable_flag(w, "passed", r[column]);
    put(w, "comment", r[column + 1].c_str());
    w.EndObject();
  }
  w.EndObject();
  w.Key("production_approval");
  w.StartObject();
  put(w, "approved", r[12].as<bool>());
  put(w, "comment", r[13].c_str());
  w.EndObject();
  put(w, "registered_at", r[15].c_str());
  put_nullable(w, "published_at", r[16]);
  write_publication(w, gates(r));
}

void write_configuration(JsonWriter& w, const pqxx::row& r) {
  put(w, "provider_code", r[0].c_str());
  put(w, "version", r[1].as<std::int64_t>());
  put(w, "app_version", r[2].c_str());
  put(w, "auth_type", r[3].c_str());
  put(w, "state", r[4].c_str());
  put(w, "uploaded_at", r[5].c_str());
  put_nullable(w, "deleted_at", r[6]);
  w.Key("endpoints");
  const std::string_view endpoints = r[7].c_str();
  w.RawValue(endpoints.data(), endpoints.size(), rapidjson::kObjectType);
}

const std::string kConfigurationColumns =
    "provider_code, version, app_version, auth_type, state, " + iso_time("uploaded_at") + ", " +
    iso_time("deleted_at") + ", endpoints::text";

}  // namespace

void write_publication(JsonWriter& w, const pp::App::State& app) {
  w.Key("publication");
  w.StartObject();
  put(w, "state", app.published ? "published" : "unpublished");
  w.Key("unmet_conditions");
  w.StartArray();
  if (!app.published) {
    for (const auto& c : pp::unmet_publication_conditions(app)) {
      w.StartObject();
      put(w, "field", c.field);
      put(w, "message", c.message);
      w.EndObject();
    }
  }
  w.EndArray();
  w.EndObject();
}

std::string app_state_json(const pp::App::State& app) {
  return domain::json_object([&](JsonWriter& w) {
    put(w, "app_id", app.app_id);
    put(w, "system_name", app.system_name);
    put(w, "developer_id", app.developer_id);
    w.Key("provider_code");
    app.scope_enabled ? w.String(app.system_name.c_str()) : w.Null();
    w.Key("versions");
    w.StartArray();
    for (const auto& v : app.versions) {
      w.StartObject();
      put(w, "version", v);
      w.Key("configuration_version");
      const auto configuration = app.version_config.at(v);
      configuration != 0 ? w.Int64(configuration) : w.Null();
      w.EndObject();
    }
    w.EndArray();
    w.Key("active_configuration");
    app.active_configuration != 0 ? w.Int64(app.active_configuration) : w.Null();
    w.Key("moderation");
    w.StartObject();
    put(w, "decision", app.moderation.empty() ? "pending" : app.moderation);
    put(w, "comment", app.moderation_comment);
    w.EndObject();
    write_publication(w, app);
  });
}

std::optional<std::string> app_json(pqxx::transaction_base& tx, const std::string& app_id) {
  const auto rows =
      tx.exec_params("SELECT " + kAppColumns + " FROM apps WHERE app_id = $1", app_id);
  if (rows.empty()) return std::nullopt;
  const auto versions = tx.exec_params(
      "SELECT version, configuration_version FROM app_versions WHERE app_id = $1"
      " ORDER BY global_position",
      app_id);
  return domain::json_object([&](JsonWriter& w) {
    write_app(w, rows[0]);
    w.Key("versions");
    w.StartArray();
    for (const auto& v : versions) {
      w.StartObject();
      put(w, "version", v[0].c_str());
      put_nullable_number(w, "configuration_version", v[1]);
      w.EndObject();
    }
    w.EndArray();
  });
}

std::string apps_page_json(pqxx::transaction_base& tx, const PageRequest& page) {
  const auto rows = tx.exec_params(
      "SELECT " + kAppColumns + " FROM apps WHERE app_id > $1 ORDER BY app_id LIMIT $2",
      page.cursor, page.limit + 1);
  return page_of(rows, page.limit, write_app,
                 [](const pqxx::row& r) { return std::string(r[0].c_str()); });
}

std::optional<std::string> active_configuration_json(pqxx::transaction_base& tx,
                                                     const std::string& app_id) {
  const auto rows = tx.exec_params("SELECT " + kConfigurationColumns +
                                       " FROM provider_configurations"
                                       " WHERE app_id = $1 AND state = 'active'",
                                   app_id);
  if (rows.empty()) return std::nullopt;
  return domain::json_object([&](JsonWriter& w) { write_configuration(w, rows[0]); });
}

std::optional<std::string> configurations_page_json(pqxx::transaction_base& tx,
                                                    const std::string& app_id,
                                                    const PageRequest& page) {
  const auto after = page.cursor.empty() ? std::optional<std::int64_t>{0} : to_integer(page.cursor);
  if (!after) return std::nullopt;
  const auto rows = tx.exec_params("SELECT " + kConfigurationColumns +
                                       " FROM provider_configurations"
                                       " WHERE app_id = $1 AND version > $2"
                                       " ORDER BY version LIMIT $3",
                                   app_id, *after, page.limit + 1);
  return page_of(rows, page.limit, write_configuration,
                 [](const pqxx::row& r) { return std::string(r[1].c_str()); });
}

}  // namespace switchboard::api::routes
