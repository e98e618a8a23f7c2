#include "projections/provider_platform/notices_projection.hpp"

#include <pqxx/pqxx>

#include "domain/json.hpp"
#include "projections/dispatch.hpp"

namespace switchboard::projections::provider_platform {
namespace {

using domain::text;
using eventstore::RecordedEvent;

using Handler = void (*)(pqxx::transaction_base&, const std::string& notice_id,
                         const RecordedEvent&, const rapidjson::Document&);

std::string json_member(const rapidjson::Document& d, const char* key) {
  rapidjson::StringBuffer buffer;
  domain::JsonWriter w(buffer);
  if (const auto it = d.FindMember(key); it != d.MemberEnd()) {
    it->value.Accept(w);
  } else {
    w.StartArray();
    w.EndArray();
  }
  return {buffer.GetString(), buffer.GetSize()};
}

void notice_published(pqxx::transaction_base& tx, const std::string& notice_id,
                      const RecordedEvent& e, const rapidjson::Document& d) {
  tx.exec_params(
      "INSERT INTO provider_notices (notice_id, global_position, title_ru, title_en, body_ru,"
      " body_en, api_version, effective_date, providers, endpoints, published_at)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, NULLIF($8, '')::date, $9::jsonb, $10::jsonb,"
      " $11::timestamptz)",
      notice_id, e.position.global_position, text(d, "title_ru"), text(d, "title_en"),
      text(d, "body_ru"), text(d, "body_en"), text(d, "api_version"), text(d, "effective_date"),
      json_member(d, "providers"), json_member(d, "endpoints"), e.recorded_at);
}

void notice_acknowledged(pqxx::transaction_base& tx, const std::string& notice_id,
                         const RecordedEvent& e, const rapidjson::Document& d) {
  tx.exec_params(
      "INSERT INTO provider_notice_acknowledgements (notice_id, developer_id, provider_code,"
      " acknowledged_at) VALUES ($1, $2, $3, $4::timestamptz)",
      notice_id, text(d, "developer_id"), text(d, "provider_code"), e.recorded_at);
}

constexpr On<Handler> kHandlers[] = {
    {"ProviderNoticePublished", notice_published},
    {"ProviderNoticeAcknowledged", notice_acknowledged},
};

}  // namespace

eventstore::EventFilter NoticesProjection::filter() const {
  return filter_of(kHandlers);
}

void NoticesProjection::apply(pqxx::transaction_base& tx,
                              std::span<const eventstore::RecordedEvent> events) {
  constexpr std::string_view prefix = "notice-";
  for (const auto& e : events) {
    if (!e.stream_id.starts_with(prefix)) continue;
    if (const auto* handler = handler_for(kHandlers, e.type)) {
      (*handler)(tx, e.stream_id.substr(prefix.size()), e, domain::parse(e.data));
    }
  }
}

}  // namespace switchboard::projections::provider_platform
