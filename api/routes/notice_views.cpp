#include "api/routes/notice_views.hpp"

#include <algorithm>
#include <pqxx/pqxx>

#include "api/routes/sql_views.hpp"
#include "projections/provider_platform/notices_projection.hpp"

namespace switchboard::api::routes {
namespace {

namespace pp = domain::provider_platform;
using domain::JsonWriter;
using domain::put;

void put_text(JsonWriter& w, const char* key, const pp::LocalizedText& t) {
  w.Key(key);
  w.StartObject();
  put(w, "ru", t.ru);
  put(w, "en", t.en);
  w.EndObject();
}

// What every notice row starts with (columns 0-12); each query adds its own from column 13.
const std::string kNoticeColumns =
    "n.notice_id, n.title_ru, n.title_en, n.body_ru, n.body_en, n.api_version,"
    " coalesce(n.effective_date::text, ''),"
    " jsonb_build_object('providers', n.providers, 'endpoints', n.endpoints)::text, " +
    iso_time("n.published_at") + ", " + iso_time("n.updated_at") + ", " +
    iso_time("n.withdrawn_at") + ", n.withdrawal_reason, n.global_position";
constexpr int kFirstExtraColumn = 13;

// The providers notice `n` concerns (code, developer_id, acknowledged_at), as a LATERAL
// subquery: those it names, whether or not their scope is on yet, or every provider whose scope
// is on. A developer's acknowledgement counts for each of their providers, as it reads on their
// notice list.
const std::string kConcerned =
    std::string("(SELECT c.code, c.developer_id, k.acknowledged_at FROM ") +
    projections::provider_platform::kConcernedProviders +
    " c LEFT JOIN provider_notice_acknowledgements k"
    " ON k.notice_id = n.notice_id AND k.developer_id = c.developer_id)";

const std::string kOperatorColumns =
    kNoticeColumns +
    ", x.concerned, x.acknowledged FROM provider_notices n CROSS JOIN LATERAL"
    " (SELECT count(*) AS concerned, count(acknowledged_at) AS acknowledged"
    " FROM " +
    kConcerned + " y) x";

void write_notice_row(JsonWriter& w, const pqxx::row& r) {
  const auto audience = domain::parse(r[7].c_str());
  const pp::PublishNotice n{r[0].c_str(),
                            {r[1].c_str(), r[2].c_str()},
                            {r[3].c_str(), r[4].c_str()},
                            r[5].c_str(),
                            r[6].c_str(),
                            domain::texts(audience, "providers"),
                            domain::texts(audience, "endpoints")};
  write_notice(w, n);
  put(w, "published_at", r[8].c_str());
  put_nullable(w, "updated_at", r[9]);
  put_nullable(w, "withdrawn_at", r[10]);
  put_nullable(w, "withdrawal_reason", r[11]);
}

void write_developer_row(JsonWriter& w, const pqxx::row& r) {
  write_notice_row(w, r);
  put(w, "read", !r[kFirstExtraColumn].is_null());
  put_nullable(w, "acknowledged_at", r[kFirstExtraColumn]);
}

void write_operator_row(JsonWriter& w, const pqxx::row& r) {
  write_notice_row(w, r);
  put(w, "concerned_providers", r[kFirstExtraColumn].as<std::int64_t>());
  put(w, "acknowledged_providers", r[kFirstExtraColumn + 1].as<std::int64_t>());
}

std::string position_of(const pqxx::row& r) {
  return r[12].c_str();
}

// The cursor is the last notice's log position: newer notices never shift a page.
std::optional<std::int64_t> before(const PageRequest& page) {
  return page.cursor.empty() ? std::optional<std::int64_t>{INT64_MAX} : to_integer(page.cursor);
}

}  // namespace

std::optional<http::Response> malformed_notice_id(const std::string& id) {
  const bool uuid = id.size() == 36 && std::ranges::all_of(id, [](char c) {
                      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-';
                    });
  if (uuid) return std::nullopt;
  return http::problem(400, "invalid request", "malformed notice id",
                       {{"notice_id", "must be a notice id from the notice list"}});
}

void write_notice(JsonWriter& w, const pp::PublishNotice& n) {
  put(w, "notice_id", n.notice_id);
  put_text(w, "title", n.title);
  put_text(w, "body", n.body);
  put(w, "api_version", n.api_version);
  w.Key("effective_date");
  n.effective_date.empty() ? w.Null() : w.String(n.effective_date.c_str());
  put(w, "providers", n.providers);
  put(w, "endpoints", n.endpoints);
}

std::optional<std::string> notices_page_json(pqxx::transaction_base& tx, const std::string& code,
                                             const std::string& developer_id, bool unread_only,
                                             const PageRequest& page) {
  const auto last = before(page);
  if (!last) return std::nullopt;
  const auto rows = tx.exec_params(
      "SELECT " + kNoticeColumns + ", " + iso_time("a.acknowledged_at") +
          " FROM provider_notices n LEFT JOIN provider_notice_acknowledgements a"
          " ON a.notice_id = n.notice_id AND a.developer_id = $2"
          " WHERE (n.providers = '[]'::jsonb OR n.providers ? $1) AND n.global_position < $3" +
          std::string(unread_only ? " AND a.notice_id IS NULL AND n.withdrawn_at IS NULL" : "") +
          " ORDER BY n.global_position DESC LIMIT $4",
      code, developer_id, *last, page.limit + 1);
  return page_of(rows, page.limit, write_developer_row, position_of);
}

std::optional<std::string> operator_notices_page_json(pqxx::transaction_base& tx,
                                                      const PageRequest& page) {
  const auto last = before(page);
  if (!last) return std::nullopt;
  const auto rows = tx.exec_params("SELECT " + kOperatorColumns +
                                       " WHERE n.global_position < $1"
                                       " ORDER BY n.global_position DESC LIMIT $2",
                                   *last, page.limit + 1);
  return page_of(rows, page.limit, write_operator_row, position_of);
}

std::optional<std::string> operator_notice_json(pqxx::transaction_base& tx,
                                                const std::string& notice_id) {
  const auto notice =
      tx.exec_params("SELECT " + kOperatorColumns + " WHERE n.notice_id = $1", notice_id);
  if (notice.empty()) return std::nullopt;
  const auto providers = tx.exec_params(
      "SELECT y.code, y.developer_id, " + iso_time("y.acknowledged_at") +
          ", coalesce(p.state, 'not_registered'), p.change, " + iso_time("p.queued_at") + ", " +
          iso_time("CASE p.state WHEN 'delivered' THEN p.settled_at END") + ", " +
          iso_time("CASE p.state WHEN 'failed' THEN p.settled_at END") +
          ", p.failure_reason, p.failure_detail"
          " FROM provider_notices n CROSS JOIN LATERAL " +
          kConcerned +
          " y LEFT JOIN notice_pushes p ON p.notice_id = n.notice_id AND p.provider_code = y.code"
          " WHERE n.notice_id = $1 ORDER BY y.acknowledged_at IS NOT NULL, y.code",
      notice_id);
  return domain::json_object([&](JsonWriter& w) {
    write_operator_row(w, notice[0]);
    w.Key("acknowledgements");
    w.StartArray();
    for (const auto& r : providers) {
      w.StartObject();
      put(w, "provider_code", r[0].c_str());
      put_nullable(w, "developer_id", r[1]);
      put_nullable(w, "acknowledged_at", r[2]);
      // Where pushing the notice's latest change to the developer's webhook stands.
      w.Key("push");
      w.StartObject();
      put(w, "state", r[3].c_str());
      put_nullable(w, "change", r[4]);
      put_nullable(w, "queued_at", r[5]);
      put_nullable(w, "delivered_at", r[6]);
      put_nullable(w, "failed_at", r[7]);
      put_nullable(w, "failure_reason", r[8]);
      put_nullable(w, "failure_detail", r[9]);
      w.EndObject();
      w.EndObject();
    }
    w.EndArray();
  });
}

}  // namespace switchboard::api::routes
