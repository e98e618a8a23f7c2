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

// The columns a Published or Corrected event sets, in the order exec_notice passes them.
constexpr const char* kNoticeFields =
    "title_ru, title_en, body_ru, body_en, api_version, effective_date, providers, endpoints";
constexpr const char* kNoticeValues =
    "$2, $3, $4, $5, $6, NULLIF($7, '')::date, $8::jsonb, $9::jsonb";

// Runs `sql` with the notice id as $1, the event's kNoticeFields as $2..$9, `more` from $10.
template <class... More>
void exec_notice(pqxx::transaction_base& tx, const std::string& sql, const std::string& notice_id,
                 const rapidjson::Document& d, const More&... more) {
  tx.exec_params(sql, notice_id, text(d, "title_ru"), text(d, "title_en"), text(d, "body_ru"),
                 text(d, "body_en"), text(d, "api_version"), text(d, "effective_date"),
                 json_member(d, "providers"), json_member(d, "endpoints"), more...);
}

void notice_published(pqxx::transaction_base& tx, const std::string& notice_id,
                      const RecordedEvent& e, const rapidjson::Document& d) {
  exec_notice(tx,
              std::string("INSERT INTO provider_notices (notice_id, ") + kNoticeFields +
                  ", global_position, published_at) VALUES ($1, " + kNoticeValues +
                  ", $10, $11::timestamptz)",
              notice_id, d, e.position.global_position, e.recorded_at);
}

// The notice replaced whole; the acknowledgements of the old text no longer count.
void notice_corrected(pqxx::transaction_base& tx, const std::string& notice_id,
                      const RecordedEvent& e, const rapidjson::Document& d) {
  exec_notice(tx,
              std::string("UPDATE provider_notices SET (") + kNoticeFields + ", updated_at) = (" +
                  kNoticeValues + ", $10::timestamptz) WHERE notice_id = $1",
              notice_id, d, e.recorded_at);
  tx.exec_params("DELETE FROM provider_notice_acknowledgements WHERE notice_id = $1", notice_id);
}

void notice_withdrawn(pqxx::transaction_base& tx, const std::string& notice_id,
                      const RecordedEvent& e, const rapidjson::Document& d) {
  tx.exec_params(
      "UPDATE provider_notices SET withdrawn_at = $2::timestamptz, withdrawal_reason = $3"
      " WHERE notice_id = $1",
      notice_id, e.recorded_at, text(d, "reason"));
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
    {"ProviderNoticeCorrected", notice_corrected},
    {"ProviderNoticeWithdrawn", notice_withdrawn},
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
