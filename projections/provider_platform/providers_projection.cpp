#include "projections/provider_platform/providers_projection.hpp"

#include <pqxx/pqxx>

#include "domain/json.hpp"
#include "projections/dispatch.hpp"

namespace switchboard::projections::provider_platform {
namespace {

using domain::flag;
using domain::number;
using domain::text;
using eventstore::RecordedEvent;

using Handler = void (*)(pqxx::transaction_base&, const std::string& app_id, const RecordedEvent&,
                         const rapidjson::Document&);

void add_version(pqxx::transaction_base& tx, const std::string& app_id, const std::string& version,
                 std::int64_t configuration, const RecordedEvent& e) {
  tx.exec_params(
      "INSERT INTO app_versions (app_id, version, configuration_version, global_position,"
      " created_at) VALUES ($1, $2, NULLIF($3, 0), $4, $5::timestamptz)",
      app_id, version, configuration, e.position.global_position, e.recorded_at);
}

void app_registered(pqxx::transaction_base& tx, const std::string& app_id, const RecordedEvent& e,
                    const rapidjson::Document& d) {
  tx.exec_params(
      "INSERT INTO apps (app_id, system_name, developer_id, registered_at)"
      " VALUES ($1, $2, $3, $4::timestamptz)",
      app_id, text(d, "system_name"), text(d, "developer_id"), e.recorded_at);
  if (const auto v = text(d, "initial_version"); !v.empty()) add_version(tx, app_id, v, 0, e);
}

void app_version_created(pqxx::transaction_base& tx, const std::string& app_id,
                         const RecordedEvent& e, const rapidjson::Document& d) {
  add_version(tx, app_id, text(d, "version"), number(d, "configuration_version"), e);
}

void communications_scope_enabled(pqxx::transaction_base& tx, const std::string& app_id,
                                  const RecordedEvent&, const rapidjson::Document& d) {
  tx.exec_params(
      "UPDATE apps SET provider_code = system_name, scope_enabled_in = $2 WHERE app_id = $1",
      app_id, text(d, "app_version"));
}

void configuration_uploaded(pqxx::transaction_base& tx, const std::string& app_id,
                            const RecordedEvent& e, const rapidjson::Document& d) {
  const auto version = number(d, "version");
  const auto app_version = text(d, "app_version");
  rapidjson::StringBuffer buffer;
  domain::JsonWriter w(buffer);
  if (const auto it = d.FindMember("endpoints"); it != d.MemberEnd()) {
    it->value.Accept(w);
  } else {
    w.StartObject();
    w.EndObject();
  }
  tx.exec_params(
      "UPDATE provider_configurations SET state = 'inactive'"
      " WHERE app_id = $1 AND state = 'active'",
      app_id);
  tx.exec_params(
      "INSERT INTO provider_configurations (app_id, provider_code, version, app_version,"
      " endpoints, auth_type, state, uploaded_at)"
      " SELECT app_id, provider_code, $2, $3, $4::jsonb, $5, 'active', $6::timestamptz"
      " FROM apps WHERE app_id = $1",
      app_id, version, app_version, std::string(buffer.GetString(), buffer.GetSize()),
      text(d, "auth_type"), e.recorded_at);
  tx.exec_params(
      "UPDATE app_versions SET configuration_version = $3 WHERE app_id = $1 AND version = $2",
      app_id, app_version, version);
  tx.exec_params("UPDATE apps SET active_configuration = $2 WHERE app_id = $1", app_id, version);
}

void configuration_deleted(pqxx::transaction_base& tx, const std::string& app_id,
                           const RecordedEvent& e, const rapidjson::Document& d) {
  tx.exec_params(
      "UPDATE provider_configurations SET state = 'deleted', deleted_at = $3::timestamptz"
      " WHERE app_id = $1 AND version = $2",
      app_id, number(d, "version"), e.recorded_at);
}

void moderation_decided(pqxx::transaction_base& tx, const std::string& app_id, const RecordedEvent&,
                        const rapidjson::Document& d) {
  tx.exec_params("UPDATE apps SET moderation = $2, moderation_comment = $3 WHERE app_id = $1",
                 app_id, text(d, "decision"), text(d, "comment"));
}

void test_stand_result_recorded(pqxx::transaction_base& tx, const std::string& app_id,
                                const RecordedEvent&, const rapidjson::Document& d) {
  // The party is one of two fixed names (the domain refuses others), so it may pick the column.
  const std::string party = text(d, "party") == "provider" ? "provider" : "crm";
  tx.exec_params("UPDATE apps SET " + party + "_test_passed = $2, " + party +
                     "_test_comment = $3 WHERE app_id = $1",
                 app_id, flag(d, "passed"), text(d, "comment"));
}

void production_approved(pqxx::transaction_base& tx, const std::string& app_id,
                         const RecordedEvent&, const rapidjson::Document& d) {
  tx.exec_params(
      "UPDATE apps SET production_approved = true, production_comment = $2 WHERE app_id = $1",
      app_id, text(d, "comment"));
}

void app_published(pqxx::transaction_base& tx, const std::string& app_id, const RecordedEvent& e,
                   const rapidjson::Document&) {
  tx.exec_params(
      "UPDATE apps SET published = true, published_at = $2::timestamptz WHERE app_id = $1", app_id,
      e.recorded_at);
}

constexpr On<Handler> kHandlers[] = {
    {"AppRegistered", app_registered},
    {"AppVersionCreated", app_version_created},
    {"CommunicationsScopeEnabled", communications_scope_enabled},
    {"ConfigurationUploaded", configuration_uploaded},
    {"ConfigurationDeleted", configuration_deleted},
    {"ModerationDecided", moderation_decided},
    {"TestStandResultRecorded", test_stand_result_recorded},
    {"ProductionApproved", production_approved},
    {"AppPublished", app_published},
};

}  // namespace

eventstore::EventFilter ProvidersProjection::filter() const {
  return filter_of(kHandlers);
}

void ProvidersProjection::apply(pqxx::transaction_base& tx,
                                std::span<const eventstore::RecordedEvent> events) {
  constexpr std::string_view prefix = "app-";
  for (const auto& e : events) {
    if (!e.stream_id.starts_with(prefix)) continue;
    if (const auto* handler = handler_for(kHandlers, e.type)) {
      (*handler)(tx, e.stream_id.substr(prefix.size()), e, domain::parse(e.data));
    }
  }
}

}  // namespace switchboard::projections::provider_platform
