#include "projections/provider_platform/notice_push_reactor.hpp"

#include <algorithm>
#include <pqxx/pqxx>
#include <stdexcept>

#include "domain/json.hpp"
#include "eventstore/sql_time.hpp"
#include "projections/checkpoint.hpp"
#include "projections/provider_platform/notices_projection.hpp"

namespace switchboard::projections::provider_platform {
namespace {

constexpr std::string_view kNoticeStream = "notice-";
constexpr std::string_view kChanges[] = {"ProviderNoticePublished", "ProviderNoticeCorrected",
                                         "ProviderNoticeWithdrawn"};

// What the webhook receives (docs/openapi.yaml, webhook noticeChanged).
const std::string kPushBody =
    "jsonb_build_object('notice_id', n.notice_id, 'change', p.change,"
    " 'provider_code', p.provider_code,"
    " 'title', jsonb_build_object('ru', n.title_ru, 'en', n.title_en),"
    " 'body', jsonb_build_object('ru', n.body_ru, 'en', n.body_en),"
    " 'api_version', n.api_version, 'effective_date', n.effective_date,"
    " 'providers', n.providers, 'endpoints', n.endpoints, 'published_at', " +
    eventstore::iso_time("n.published_at") + ", 'updated_at', " +
    eventstore::iso_time("n.updated_at") + ", 'withdrawn_at', " +
    eventstore::iso_time("n.withdrawn_at") + ", 'withdrawal_reason', n.withdrawal_reason)::text";

}  // namespace

eventstore::EventFilter NoticePushReactor::wanted() {
  eventstore::EventFilter filter;
  for (const auto type : kChanges) filter.types.emplace_back(type);
  return filter;
}

void NoticePushReactor::prepare(pqxx::connection_base& c,
                                std::span<const eventstore::RecordedEvent> events) {
  // The projection applies the log in order: having applied the batch's last notice change, it
  // has applied them all.
  const auto last = std::find_if(events.rbegin(), events.rend(), [](const auto& e) {
    return e.stream_id.starts_with(kNoticeStream);
  });
  if (last == events.rend()) return;
  if (!wait_applied(c, kNoticesProjectionName, last->position.global_position, wait_)) {
    throw std::runtime_error("the provider_notices projection has not reached event " +
                             last->event_id + " yet");
  }
}

std::vector<OutboundMessage> NoticePushReactor::react(pqxx::transaction_base& tx,
                                                      const eventstore::RecordedEvent& e) {
  if (!e.stream_id.starts_with(kNoticeStream)) return {};
  // prepare() waited; only a rebuild moving the projection back since could undo that, and then
  // the batch must come again rather than find no rows and push nothing.
  if (!applied(tx, kNoticesProjectionName, e.position.global_position)) {
    throw std::runtime_error("the provider_notices projection no longer has event " + e.event_id);
  }
  const auto rows = tx.exec_params(
      "SELECT p.provider_code, p.developer_id, p.notice_id, " + kPushBody +
          " FROM notice_pushes p JOIN provider_notices n ON n.notice_id = p.notice_id"
          " WHERE p.change_event_id = $1 ORDER BY p.provider_code",
      e.event_id);
  std::vector<OutboundMessage> messages;
  for (const auto& r : rows) {
    const std::string provider_code = r[0].c_str();
    const std::string developer_id = r[1].c_str();
    auto job_id = e.event_id + "/" + provider_code;
    auto payload = domain::json_object([&](domain::JsonWriter& w) {
      domain::put(w, "job_id", job_id);
      domain::put(w, "kind", "notice_push");
      domain::put(w, "provider_code", provider_code);
      // One developer's pushes go in the order the notices changed.
      domain::put(w, "lane", "notices/" + developer_id);
      domain::put(w, "created_at", e.recorded_at);
      domain::put(w, "developer_id", developer_id);
      domain::put(w, "notice_id", r[2].c_str());
      domain::put(w, "change_event_id", e.event_id);
      w.Key("body");
      const std::string_view body = r[3].c_str();
      w.RawValue(body.data(), body.size(), rapidjson::kObjectType);
    });
    messages.push_back({subject_, std::move(job_id), std::move(payload)});
  }
  return messages;
}

}  // namespace switchboard::projections::provider_platform
