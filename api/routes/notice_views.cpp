#include "api/routes/notice_views.hpp"

#include <pqxx/pqxx>

#include "api/routes/sql_views.hpp"

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

const std::string kNoticeColumns =
    "n.notice_id, n.title_ru, n.title_en, n.body_ru, n.body_en, n.api_version,"
    " coalesce(n.effective_date::text, ''),"
    " jsonb_build_object('providers', n.providers, 'endpoints', n.endpoints)::text, " +
    iso_time("n.published_at") + ", " + iso_time("a.acknowledged_at") + ", n.global_position";

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
  put(w, "read", !r[9].is_null());
  put_nullable(w, "acknowledged_at", r[9]);
}

}  // namespace

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
  // The cursor is the last notice's log position: newer notices never shift a page.
  const auto before =
      page.cursor.empty() ? std::optional<std::int64_t>{INT64_MAX} : to_integer(page.cursor);
  if (!before) return std::nullopt;
  const auto rows = tx.exec_params(
      "SELECT " + kNoticeColumns +
          " FROM provider_notices n LEFT JOIN provider_notice_acknowledgements a"
          " ON a.notice_id = n.notice_id AND a.developer_id = $2"
          " WHERE (n.providers = '[]'::jsonb OR n.providers ? $1) AND n.global_position < $3" +
          std::string(unread_only ? " AND a.notice_id IS NULL" : "") +
          " ORDER BY n.global_position DESC LIMIT $4",
      code, developer_id, *before, page.limit + 1);
  return page_of(rows, page.limit, write_notice_row,
                 [](const pqxx::row& r) { return std::string(r[10].c_str()); });
}

}  // namespace switchboard::api::routes
