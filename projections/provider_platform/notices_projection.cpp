#include "projections/provider_platform/notices_projection.hpp"

#include <pqxx/pqxx>

#include "domain/json.hpp"
#include "projections/dispatch.hpp"

namespace switchboard::projections::provider_platform {
namespace {

using domain::text;
using eventstore::RecordedEvent;

// `id`: the stream's id after its category (the notice id, the developer id).
using Handler = void (*)(pqxx::transaction_base&, const std::string& id, const RecordedEvent&,
                         const rapidjson::Document&);

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

// The notice's change `e` queued for each provider it now concerns whose developer has a notice
// webhook; what became of its previous change goes (the operator follows the latest).
void queue_pushes(pqxx::transaction_base& tx, const std::string& notice_id, const RecordedEvent& e,
                  const char* change) {
  tx.exec_params("DELETE FROM notice_pushes WHERE notice_id = $1", notice_id);
  tx.exec_params(
      std::string("INSERT INTO notice_pushes (notice_id, provider_code, developer_id, change,"
                  " change_event_id, state, queued_at)"
                  " SELECT n.notice_id, c.code, c.developer_id, $2, $3, 'pending', $4::timestamptz"
                  " FROM provider_notices n CROSS JOIN LATERAL ") +
          kConcernedProviders +
          " c JOIN notice_webhooks w ON w.developer_id = c.developer_id WHERE n.notice_id = $1",
      notice_id, change, e.event_id, e.recorded_at);
}

void notice_published(pqxx::transaction_base& tx, const std::string& notice_id,
                      const RecordedEvent& e, const rapidjson::Document& d) {
  exec_notice(tx,
              std::string("INSERT INTO provider_notices (notice_id, ") + kNoticeFields +
                  ", global_position, published_at) VALUES ($1, " + kNoticeValues +
                  ", $10, $11::timestamptz)",
              notice_id, d, e.position.global_position, e.recorded_at);
  queue_pushes(tx, notice_id, e, "published");
}

// The notice replaced whole; the acknowledgements of the old text no longer count.
void notice_corrected(pqxx::transaction_base& tx, const std::string& notice_id,
                      const RecordedEvent& e, const rapidjson::Document& d) {
  exec_notice(tx,
              std::string("UPDATE provider_notices SET (") + kNoticeFields + ", updated_at) = (" +
                  kNoticeValues + ", $10::timestamptz) WHERE notice_id = $1",
              notice_id, d, e.recorded_at);
  tx.exec_params("DELETE FROM provider_notice_acknowledgements WHERE notice_id = $1", notice_id);
  queue_pushes(tx, notice_id, e, "corrected");
}

void notice_withdrawn(pqxx::transaction_base& tx, const std::string& notice_id,
                      const RecordedEvent& e, const rapidjson::Document& d) {
  tx.exec_params(
      "UPDATE provider_notices SET withdrawn_at = $2::timestamptz, withdrawal_reason = $3"
      " WHERE notice_id = $1",
      notice_id, e.recorded_at, text(d, "reason"));
  queue_pushes(tx, notice_id, e, "withdrawn");
}

void notice_acknowledged(pqxx::transaction_base& tx, const std::string& notice_id,
                         const RecordedEvent& e, const rapidjson::Document& d) {
  tx.exec_params(
      "INSERT INTO provider_notice_acknowledgements (notice_id, developer_id, provider_code,"
      " acknowledged_at) VALUES ($1, $2, $3, $4::timestamptz)",
      notice_id, text(d, "developer_id"), text(d, "provider_code"), e.recorded_at);
}

// Only the push of the change it names: an outcome of a change superseded since is history.
void push_settled(pqxx::transaction_base& tx, const std::string& notice_id, const RecordedEvent& e,
                  const rapidjson::Document& d) {
  const bool delivered = e.type == "ProviderNoticePushDelivered";
  tx.exec_params(
      "UPDATE notice_pushes SET state = $4, settled_at = $5::timestamptz,"
      " failure_reason = NULLIF($6, ''), failure_detail = NULLIF($7, '')"
      " WHERE notice_id = $1 AND provider_code = $2 AND change_event_id = $3",
      notice_id, text(d, "provider_code"), text(d, "change_event_id"),
      delivered ? "delivered" : "failed", e.recorded_at, text(d, "reason"), text(d, "detail"));
}

void webhook_registered(pqxx::transaction_base& tx, const std::string& developer_id,
                        const RecordedEvent& e, const rapidjson::Document& d) {
  tx.exec_params(
      "INSERT INTO notice_webhooks (developer_id, url, secret_sealed, registered_at)"
      " VALUES ($1, $2, $3, $4::timestamptz) ON CONFLICT (developer_id) DO UPDATE SET"
      " url = excluded.url, secret_sealed = excluded.secret_sealed,"
      " registered_at = excluded.registered_at",
      developer_id, text(d, "url"), text(d, "secret_sealed"), e.recorded_at);
}

void webhook_removed(pqxx::transaction_base& tx, const std::string& developer_id,
                     const RecordedEvent&, const rapidjson::Document&) {
  tx.exec_params("DELETE FROM notice_webhooks WHERE developer_id = $1", developer_id);
}

struct Handling {
  std::string_view stream;  // the stream id's prefix: the category and '-'
  Handler handler;
};

constexpr std::string_view kNotice = "notice-";
constexpr std::string_view kWebhook = "noticewebhook-";

constexpr On<Handling> kHandlers[] = {
    {"ProviderNoticePublished", {kNotice, notice_published}},
    {"ProviderNoticeCorrected", {kNotice, notice_corrected}},
    {"ProviderNoticeWithdrawn", {kNotice, notice_withdrawn}},
    {"ProviderNoticeAcknowledged", {kNotice, notice_acknowledged}},
    {"ProviderNoticePushDelivered", {kNotice, push_settled}},
    {"ProviderNoticePushFailed", {kNotice, push_settled}},
    {"NoticeWebhookRegistered", {kWebhook, webhook_registered}},
    {"NoticeWebhookRemoved", {kWebhook, webhook_removed}},
};

}  // namespace

const char* const kConcernedProviders =
    "(SELECT a.system_name AS code, a.developer_id FROM apps a"
    " WHERE n.providers = '[]'::jsonb AND a.provider_code IS NOT NULL"
    " UNION ALL SELECT p.code, a.developer_id FROM jsonb_array_elements_text(n.providers) p(code)"
    " LEFT JOIN apps a ON a.system_name = p.code)";

eventstore::EventFilter NoticesProjection::filter() const {
  return filter_of(kHandlers);
}

void NoticesProjection::apply(pqxx::transaction_base& tx,
                              std::span<const eventstore::RecordedEvent> events) {
  for (const auto& e : events) {
    const auto* handling = handler_for(kHandlers, e.type);
    if (handling == nullptr || !e.stream_id.starts_with(handling->stream)) continue;
    handling->handler(tx, e.stream_id.substr(handling->stream.size()), e, domain::parse(e.data));
  }
}

}  // namespace switchboard::projections::provider_platform
