#include "api/routes/messaging_views.hpp"

#include <pqxx/pqxx>
#include <string_view>
#include <type_traits>

#include "api/routes/sql_views.hpp"

namespace switchboard::api::routes {
namespace {

using domain::JsonWriter;
using domain::put;

const std::string kChatColumns =
    "provider_code, chat_id, account_id, channel_code, icon, kind, title, participants::text,"
    " unread_count, last_message_id, last_message_text, " +
    iso_time("last_message_at") + ", position, " + iso_time("created_at");

void write_chat(JsonWriter& w, const pqxx::row& r) {
  put(w, "provider_code", r[0].c_str());
  put(w, "chat_id", r[1].c_str());
  put_nullable(w, "account_id", r[2]);
  put_nullable(w, "channel_code", r[3]);
  put_nullable(w, "icon", r[4]);
  put(w, "kind", r[5].c_str());
  put_nullable(w, "title", r[6]);
  put_raw_json(w, "participants", r[7]);
  put_nullable_number(w, "unread_count", r[8]);
  w.Key("last_message");
  if (r[9].is_null()) {
    w.Null();
  } else {
    w.StartObject();
    put(w, "message_id", r[9].c_str());
    put_nullable(w, "text", r[10]);
    put_nullable(w, "sent_at", r[11]);
    w.EndObject();
  }
  put_nullable(w, "created_at", r[13]);
}

const std::string kMessageColumns =
    "message_id, provider_message_id, direction, account_id, sender::text, user_id, text, format,"
    " entities::text, attachments::text, status, seen, " +
    iso_time("sent_at") + ", position, provider_code, chat_id, not_sent_reason, not_sent_detail";

void write_message(JsonWriter& w, const pqxx::row& r) {
  put(w, "message_id", r[0].c_str());
  put_nullable(w, "provider_message_id", r[1]);
  put(w, "provider_code", r[14].c_str());
  put(w, "chat_id", r[15].c_str());
  put(w, "direction", r[2].c_str());
  put_nullable(w, "account_id", r[3]);
  put_raw_json(w, "sender", r[4]);
  put_nullable(w, "user_id", r[5]);
  put_nullable(w, "text", r[6]);
  put_nullable(w, "format", r[7]);
  put_raw_json(w, "entities", r[8]);
  put_raw_json(w, "attachments", r[9]);
  put(w, "status", r[10].c_str());
  // Why it never went (what its author's notification says); no other status has a reason.
  if (std::string_view(r[10].c_str()) == "not_sent") {
    put_nullable(w, "not_sent_reason", r[16]);
    put_nullable(w, "not_sent_detail", r[17]);
  }
  put_nullable_flag(w, "seen", r[11]);
  put_nullable(w, "sent_at", r[12]);
}

std::string position_cursor(const pqxx::row& r, int column) {
  return r[column].c_str();
}

std::optional<std::int64_t> before(const PageRequest& page) {
  return page.cursor.empty() ? std::optional<std::int64_t>{INT64_MAX} : to_integer(page.cursor);
}

void write_accounts(JsonWriter& w, const pqxx::result& accounts, const std::string& provider) {
  w.Key("accounts");
  w.StartArray();
  for (const auto& a : accounts) {
    if (provider != a[0].c_str()) continue;
    w.StartObject();
    put(w, "account_id", a[1].c_str());
    put_nullable(w, "channel_code", a[2]);
    put_nullable(w, "icon", a[3]);
    put_nullable(w, "name", a[4]);
    put_nullable_flag(w, "main", a[5]);
    put_nullable_flag(w, "active", a[6]);
    w.EndObject();
  }
  w.EndArray();
}

template <class T>
std::optional<T> optional(const pqxx::field& f) {
  return f.is_null() ? std::nullopt : std::optional<T>(f.as<T>());
}

// Columns 6 to 11 of connections' row.
SyncView sync_of(const pqxx::row& r) {
  return SyncView{r[6].c_str(),
                  true,
                  optional<std::string>(r[7]),
                  optional<std::string>(r[8]),
                  optional<std::string>(r[9]),
                  optional<std::int64_t>(r[10]),
                  optional<std::int64_t>(r[11])};
}

std::string connections(pqxx::transaction_base& tx, const std::string& tenant,
                        const std::optional<std::string>& provider) {
  const auto rows = tx.exec_params(
      "SELECT provider_code, app_id, active, reason, " + iso_time("activated_at") + ", " +
          iso_time("updated_at") + ", sync_state, " + iso_time("sync_finished_at") +
          ", sync_reason, sync_detail, sync_accounts, sync_chats"
          " FROM messaging_connections WHERE tenant_id = $1 AND ($2::text IS NULL OR"
          " provider_code = $2) ORDER BY provider_code",
      tenant, provider);
  const auto accounts = tx.exec_params(
      "SELECT provider_code, account_id, channel_code, icon, name, main, active"
      " FROM messaging_accounts WHERE tenant_id = $1 AND ($2::text IS NULL OR provider_code = $2)"
      " ORDER BY provider_code, main DESC, account_id",
      tenant, provider);
  return domain::json_object([&](JsonWriter& w) {
    w.Key("items");
    w.StartArray();
    for (const auto& r : rows) {
      w.StartObject();
      put(w, "provider_code", r[0].c_str());
      put_nullable(w, "app_id", r[1]);
      put(w, "state", r[2].as<bool>() ? "active" : "inactive");
      put_nullable(w, "reason", r[3]);
      put_nullable(w, "activated_at", r[4]);
      put_nullable(w, "updated_at", r[5]);
      write_sync(w, sync_of(r));
      write_accounts(w, accounts, r[0].c_str());
      w.EndObject();
    }
    w.EndArray();
  });
}

}  // namespace

void write_sync(JsonWriter& w, const SyncView& sync) {
  const auto nullable = [&w](const char* key, const auto& value) {
    w.Key(key);
    if (!value) {
      w.Null();
    } else if constexpr (std::is_same_v<std::decay_t<decltype(*value)>, std::string>) {
      w.String(value->data(), static_cast<rapidjson::SizeType>(value->size()));
    } else {
      w.Int64(*value);
    }
  };
  w.Key("sync");
  w.StartObject();
  put(w, "state", sync.state);
  if (sync.from_read_model) nullable("finished_at", sync.finished_at);
  nullable("reason", sync.reason);
  nullable("detail", sync.detail);
  nullable("accounts", sync.accounts);
  nullable("chats", sync.chats);
  w.EndObject();
}

std::optional<std::string> chats_page_json(pqxx::transaction_base& tx, const std::string& tenant,
                                           const ChatFilter& filter, const PageRequest& page) {
  const auto cursor = before(page);
  if (!cursor) return std::nullopt;
  const auto rows = tx.exec_params(
      "SELECT " + kChatColumns +
          " FROM messaging_chats WHERE tenant_id = $1 AND position < $2"
          " AND ($3::text IS NULL OR provider_code = $3) AND ($4::text IS NULL OR account_id = $4)"
          " AND ($5::text IS NULL OR channel_code = $5) AND (NOT $6 OR unread_count > 0)"
          " ORDER BY position DESC LIMIT $7",
      tenant, *cursor, filter.provider_code, filter.account_id, filter.channel_code,
      filter.unread_only, page.limit + 1);
  return page_of(rows, page.limit, write_chat,
                 [](const pqxx::row& r) { return position_cursor(r, 12); });
}

std::optional<std::string> messages_page_json(pqxx::transaction_base& tx, const std::string& tenant,
                                              const std::string& provider_code,
                                              const std::string& chat_id, const PageRequest& page) {
  const auto cursor = before(page);
  if (!cursor) return std::nullopt;
  const auto rows = tx.exec_params(
      "SELECT " + kMessageColumns +
          " FROM messaging_messages WHERE tenant_id = $1 AND provider_code = $2 AND chat_id = $3"
          " AND position < $4 ORDER BY position DESC LIMIT $5",
      tenant, provider_code, chat_id, *cursor, page.limit + 1);
  return page_of(rows, page.limit, write_message,
                 [](const pqxx::row& r) { return position_cursor(r, 13); });
}

std::optional<std::string> notifications_page_json(pqxx::transaction_base& tx,
                                                   const std::string& tenant,
                                                   const std::string& user,
                                                   const PageRequest& page) {
  const auto cursor = before(page);
  if (!cursor) return std::nullopt;
  const auto rows = tx.exec_params(
      "SELECT position, kind, provider_code, chat_id, message_id, reason, detail, action, " +
          iso_time("created_at") +
          " FROM messaging_notifications WHERE tenant_id = $1 AND user_id = $2 AND position < $3"
          " ORDER BY position DESC LIMIT $4",
      tenant, user, *cursor, page.limit + 1);
  return page_of(
      rows, page.limit,
      [](JsonWriter& w, const pqxx::row& r) {
        put(w, "notification_id", r[0].c_str());
        put(w, "kind", r[1].c_str());
        put_nullable(w, "provider_code", r[2]);
        put_nullable(w, "chat_id", r[3]);
        put_nullable(w, "message_id", r[4]);
        put_nullable(w, "reason", r[5]);
        put_nullable(w, "detail", r[6]);
        put(w, "action", r[7].c_str());
        put_nullable(w, "created_at", r[8]);
      },
      [](const pqxx::row& r) { return position_cursor(r, 0); });
}

std::string connections_json(pqxx::transaction_base& tx, const std::string& tenant) {
  return connections(tx, tenant, std::nullopt);
}

std::optional<std::string> connection_json(pqxx::transaction_base& tx, const std::string& tenant,
                                           const std::string& provider_code) {
  auto list = connections(tx, tenant, provider_code);
  const auto d = domain::parse(list);
  const auto& items = d["items"];
  if (items.Empty()) return std::nullopt;
  rapidjson::StringBuffer buffer;
  domain::JsonWriter w(buffer);
  items[0].Accept(w);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace switchboard::api::routes
