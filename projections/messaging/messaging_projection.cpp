#include "projections/messaging/messaging_projection.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <pqxx/pqxx>
#include <set>

#include "domain/json.hpp"
#include "domain/messaging/channel_codes.hpp"
#include "domain/messaging/connection.hpp"
#include "eventstore/sql_array.hpp"
#include "projections/access/access_tokens_projection.hpp"
#include "projections/dispatch.hpp"

// How a batch is applied. ChatStarted, MessageReceived, MessageSubmitted, MessageDelivered and
// MessageStatusChanged (the bulk of the traffic) are gathered and written together, at most
// three statements for a run of them; any other event first writes what was gathered and then
// applies alone. Gathering keeps the log's order because
// - a chat's ChatStarted precedes everything else of the chat, so inserting the gathered chats
//   first, then the messages, then the status changes is the order the log implies;
// - what is folded is order-free or folded in the log's order: unread counts add up, positions
//   and updated_at take the greatest value, the last message is the latest sent_at (ties: the
//   later event), a status change is the last one of its message.
// So the rows do not depend on where batches start and end: a rebuild replays to the same rows.
//
// Rows travel as one JSON array per statement (jsonb_to_recordset) rather than unnest arrays:
// several columns are JSON already (participants, sender, entities, attachments) and several
// are NULL for one direction of message and not the other.

namespace switchboard::projections::messaging {
namespace {

using domain::JsonWriter;
using domain::put;
using domain::text;
using eventstore::RecordedEvent;

const rapidjson::Value* member(const rapidjson::Value& v, const char* key) {
  if (!v.IsObject()) return nullptr;
  const auto it = v.FindMember(key);
  return it == v.MemberEnd() || it->value.IsNull() ? nullptr : &it->value;
}

// Empty text is "not given" in event data: NULL in the tables.
void put_nullable(JsonWriter& w, const char* key, const std::string& value) {
  w.Key(key);
  if (value.empty()) {
    w.Null();
  } else {
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  }
}

// A JSON member of the event written as it is (stored as jsonb), or [] / null when absent.
void put_json(JsonWriter& w, const char* key, const rapidjson::Value* value, bool array) {
  w.Key(key);
  if (value != nullptr) {
    value->Accept(w);
  } else if (array) {
    w.StartArray();
    w.EndArray();
  } else {
    w.Null();
  }
}

std::string json_text(const rapidjson::Value* value) {
  if (value == nullptr) return "[]";
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  value->Accept(w);
  return {buffer.GetString(), buffer.GetSize()};
}

std::string or_default(std::string value, const char* fallback) {
  return value.empty() ? std::string(fallback) : value;
}

// A provider's sent_at as PostgreSQL should read it, or the event's own time. The public API
// passes sent_at through as text, and one value PostgreSQL refuses would stop this projection
// for every tenant; a time without an offset is taken as UTC, not as the session's zone.
std::string sent_time(const std::string& value, const std::string& recorded_at) {
  const auto digits = [&](std::size_t at, std::size_t n, int& out) {
    if (at + n > value.size()) return false;
    out = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(value[i]))) return false;
      out = out * 10 + (value[i] - '0');
    }
    return true;
  };
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(0, 4, year) || value.size() < 19 || value[4] != '-' || !digits(5, 2, month) ||
      value[7] != '-' || !digits(8, 2, day) || (value[10] != 'T' && value[10] != ' ') ||
      !digits(11, 2, hour) || value[13] != ':' || !digits(14, 2, minute) || value[16] != ':' ||
      !digits(17, 2, second)) {
    return recorded_at;
  }
  std::size_t i = 19;
  if (i < value.size() && value[i] == '.') {
    const auto start = ++i;
    while (i < value.size() && std::isdigit(static_cast<unsigned char>(value[i]))) ++i;
    if (i == start || i - start > 9) return recorded_at;
  }
  std::string zone;
  if (i == value.size()) {
    zone = "Z";
  } else if (value[i] == 'Z' && i + 1 == value.size()) {
  } else if (value[i] == '+' || value[i] == '-') {
    int zone_hours = 0, zone_minutes = 0;
    if (i + 6 != value.size() || !digits(i + 1, 2, zone_hours) || value[i + 3] != ':' ||
        !digits(i + 4, 2, zone_minutes) || zone_hours > 15 || zone_minutes > 59) {
      return recorded_at;
    }
  } else {
    return recorded_at;
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (year < 1 || month < 1 || month > 12 || day < 1 ||
      day > kDays[month - 1] + (month == 2 && leap ? 1 : 0) || hour > 23 || minute > 59 ||
      second > 59) {
    return recorded_at;
  }
  return value + zone;
}

// One jsonb_to_recordset parameter: a JSON array the caller adds objects to.
class Rows {
 public:
  Rows() : writer_(buffer_) { writer_.StartArray(); }

  JsonWriter& add() {
    ++count_;
    return writer_;
  }
  bool empty() const { return count_ == 0; }

  // The array so far; starts a new one.
  std::string take() {
    writer_.EndArray();
    std::string out(buffer_.GetString(), buffer_.GetSize());
    buffer_.Clear();
    writer_.Reset(buffer_);
    writer_.StartArray();
    count_ = 0;
    return out;
  }

 private:
  rapidjson::StringBuffer buffer_;
  JsonWriter writer_;
  std::size_t count_ = 0;
};

// The chat takes its account's channel and icon as they are when it starts.
constexpr const char* kInsertChats =
    "INSERT INTO messaging_chats (tenant_id, provider_code, chat_id, account_id, channel_code,"
    " icon, kind, title, participants, unread_count, position, created_at, updated_at)"
    " SELECT r.tenant_id, r.provider_code, r.chat_id, r.account_id, a.channel_code,"
    " coalesce(a.icon, $2), r.kind, r.title, r.participants, 0, r.position, r.at, r.at"
    " FROM jsonb_to_recordset($1::jsonb) AS r(tenant_id text, provider_code text, chat_id text,"
    "   account_id text, kind text, title text, participants jsonb, position bigint,"
    "   at timestamptz)"
    " LEFT JOIN messaging_accounts a ON a.tenant_id = r.tenant_id"
    "   AND a.provider_code = r.provider_code AND a.account_id = r.account_id"
    " ON CONFLICT DO NOTHING";

// The messages and, from the ones actually inserted, their chats' last message, unread count
// and position. The domain records a message once; should the log still hold a repeat of a
// message id, skipping it beats a projection stuck for every tenant, so a message id already
// stored (or earlier in the batch) is left out. Not ON CONFLICT DO NOTHING: its speculative
// insertion writes one more WAL record per row, and this projection is the table's only writer.
// Each chat's row is updated from one pass over its added messages (`l`): the latest of them (at
// one sent_at the later event: a chat is one stream, so its positions follow the log) and what
// they add up to. One pass, not a join of two: the planner cannot estimate the inserted rows and
// joined two aggregates of them in a nested loop, quadratic in the batch.
constexpr const char* kNewer = "(c.last_message_at IS NULL OR l.sent_at >= c.last_message_at)";
const std::string kInsertMessages =
    std::string(
        "WITH r AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(seq bigint,"
        "   message_id text, tenant_id text, provider_code text, chat_id text,"
        "   provider_message_id text, direction text, account_id text, sender jsonb,"
        "   user_id text, text text, format text, entities jsonb, attachments jsonb,"
        "   status text, seen boolean, silent boolean, sent_at timestamptz, position bigint,"
        "   updated_at timestamptz)),"
        " added AS (INSERT INTO messaging_messages (message_id, tenant_id, provider_code,"
        "   chat_id, provider_message_id, direction, account_id, sender, user_id, text, format,"
        "   entities, attachments, status, seen, silent, sent_at, position, updated_at)"
        "   SELECT DISTINCT ON (message_id) message_id, tenant_id, provider_code, chat_id,"
        "   provider_message_id, direction, account_id, sender, user_id, text, format, entities,"
        "   attachments, status, seen, silent, sent_at, position, updated_at FROM r"
        "   WHERE NOT EXISTS (SELECT 1 FROM messaging_messages m"
        "     WHERE m.message_id = r.message_id)"
        "   ORDER BY message_id, seq"
        "   RETURNING message_id, tenant_id, provider_code, chat_id, text, seen, sent_at,"
        "   position, updated_at),"
        " l AS (SELECT DISTINCT ON (tenant_id, provider_code, chat_id) tenant_id,"
        "   provider_code, chat_id, message_id, text, sent_at,"
        "   count(*) FILTER (WHERE NOT seen) OVER chat AS unread,"
        "   max(position) OVER chat AS position, max(updated_at) OVER chat AS updated_at"
        "   FROM added WINDOW chat AS (PARTITION BY tenant_id, provider_code, chat_id)"
        "   ORDER BY tenant_id, provider_code, chat_id, sent_at DESC, position DESC)"
        " UPDATE messaging_chats c SET"
        " last_message_id = CASE WHEN ") +
    kNewer + " THEN l.message_id ELSE c.last_message_id END, last_message_text = CASE WHEN " +
    kNewer + " THEN l.text ELSE c.last_message_text END, last_message_at = CASE WHEN " + kNewer +
    " THEN l.sent_at ELSE c.last_message_at END,"
    " unread_count = c.unread_count + l.unread, position = greatest(c.position, l.position),"
    " updated_at = greatest(c.updated_at, l.updated_at)"
    " FROM l WHERE c.tenant_id = l.tenant_id AND c.provider_code = l.provider_code"
    "   AND c.chat_id = l.chat_id";

// MessageDelivered makes a pending message sent; a status change recorded after it (or before
// it, when the provider's status call overtook its answer) wins.
constexpr const char* kProgressMessages =
    "UPDATE messaging_messages m SET"
    " provider_message_id = coalesce(u.provider_message_id, m.provider_message_id),"
    " status = coalesce(u.status,"
    "   CASE WHEN u.delivered AND m.status = 'pending' THEN 'sent' ELSE m.status END),"
    " updated_at = greatest(m.updated_at, u.at)"
    " FROM jsonb_to_recordset($1::jsonb) AS u(message_id text, tenant_id text,"
    "   provider_code text, chat_id text, provider_message_id text, status text,"
    "   delivered boolean, at timestamptz)"
    " WHERE m.message_id = u.message_id AND m.tenant_id = u.tenant_id"
    "   AND m.provider_code = u.provider_code AND m.chat_id = u.chat_id";

// The gathered run of frequent chat events (see the top of the file).
class Gathered {
 public:
  void chat_started(const RecordedEvent& e, const rapidjson::Value& d) {
    auto& w = chats_.add();
    w.StartObject();
    put_chat(w, d);
    put(w, "account_id", text(d, "account_id"));
    put(w, "kind", text(d, "kind"));
    put_nullable(w, "title", text(d, "title"));
    put_json(w, "participants", member(d, "participants"), true);
    put(w, "position", e.position.global_position);
    put(w, "at", e.recorded_at);
    w.EndObject();
  }

  void message_added(const RecordedEvent& e, const rapidjson::Value& d) {
    const bool inbound = e.type == "MessageReceived";
    const bool silent = inbound && domain::flag(d, "silent");
    auto& w = messages_.add();
    w.StartObject();
    put(w, "seq", ++seq_);
    put(w, "message_id", text(d, "message_id"));
    put_chat(w, d);
    put_nullable(w, "provider_message_id", inbound ? text(d, "provider_message_id") : "");
    put(w, "direction", inbound ? "inbound" : "outbound");
    put(w, "account_id", text(d, "account_id"));
    put_json(w, "sender", inbound ? member(d, "sender") : nullptr, false);
    put_nullable(w, "user_id", inbound ? "" : text(d, "user_id"));
    put(w, "text", text(d, "text"));
    put(w, "format", or_default(text(d, "format"), "plain"));
    put_json(w, "entities", member(d, "entities"), true);
    put_json(w, "attachments", member(d, "attachments"), true);
    put(w, "status", inbound ? "received" : "pending");
    // Outbound messages are the CRM's own; a history import is not news to anyone.
    put(w, "seen", !inbound || silent);
    put(w, "silent", silent);
    put(w, "sent_at", inbound ? sent_time(text(d, "sent_at"), e.recorded_at) : e.recorded_at);
    put(w, "position", e.position.global_position);
    put(w, "updated_at", e.recorded_at);
    w.EndObject();
  }

  void message_progressed(const RecordedEvent& e, const rapidjson::Value& d) {
    auto& p = progress_[text(d, "message_id")];
    p.tenant_id = text(d, "tenant_id");
    p.provider_code = text(d, "provider_code");
    p.chat_id = text(d, "chat_id");
    if (e.type == "MessageDelivered") {
      p.delivered = true;
      if (auto id = text(d, "provider_message_id"); !id.empty()) p.provider_message_id = id;
    } else {
      p.status = text(d, "status");
    }
    // recorded_at is fixed-width UTC (eventstore/reader.cpp): text order is time order.
    p.at = std::max(p.at, e.recorded_at);
  }

  // The statements are prepared, so they are parsed and analysed once per connection instead of
  // once per batch (the message insert is long: that was a tenth of its cost).
  void flush(pqxx::transaction_base& tx) {
    auto& c = tx.conn();
    if (!chats_.empty()) {
      c.prepare("messaging_insert_chats", kInsertChats);
      tx.exec_prepared("messaging_insert_chats", chats_.take(),
                       std::string(domain::messaging::kStubIcon));
    }
    if (!messages_.empty()) {
      c.prepare("messaging_insert_messages", kInsertMessages);
      tx.exec_prepared("messaging_insert_messages", messages_.take());
    }
    if (!progress_.empty()) {
      Rows rows;
      for (const auto& [message_id, p] : progress_) {
        auto& w = rows.add();
        w.StartObject();
        put(w, "message_id", message_id);
        put(w, "tenant_id", p.tenant_id);
        put(w, "provider_code", p.provider_code);
        put(w, "chat_id", p.chat_id);
        put_nullable(w, "provider_message_id", p.provider_message_id);
        put_nullable(w, "status", p.status);
        put(w, "delivered", p.delivered);
        put(w, "at", p.at);
        w.EndObject();
      }
      c.prepare("messaging_progress_messages", kProgressMessages);
      tx.exec_prepared("messaging_progress_messages", rows.take());
      progress_.clear();
    }
  }

 private:
  struct Progress {
    std::string tenant_id, provider_code, chat_id;
    std::string provider_message_id;
    std::string status;  // of the last MessageStatusChanged
    bool delivered = false;
    std::string at;
  };

  static void put_chat(JsonWriter& w, const rapidjson::Value& d) {
    put(w, "tenant_id", text(d, "tenant_id"));
    put(w, "provider_code", text(d, "provider_code"));
    put(w, "chat_id", text(d, "chat_id"));
  }

  Rows chats_;
  Rows messages_;
  std::int64_t seq_ = 0;  // the log's order of the messages: the first of a repeated id is kept
  std::map<std::string, Progress> progress_;  // by message_id
};

// Whether an event can change what GET /crm/v1/chats lists, that is a row of messaging_chats (the
// only table it reads): nodes keep the lists they rendered until told (api/cache), so one missed
// change is a stale list, and one notified for nothing is every CRM user's next poll rendered anew.
enum class ChatLists { changed, kept };

// A row of the dispatch tables: what apply() does with the type, and its effect on chat lists. The
// constructor takes both, so a type is not handled without someone saying whether it can change a
// chat list: a rule by exclusion would notify for every type nobody thought of (the account sync's
// outcomes did), one by inclusion would miss the next type that changes a list.
template <typename Apply>
struct Step {
  constexpr Step(Apply apply_with, ChatLists effect) : apply(apply_with), lists(effect) {}
  Apply apply;
  ChatLists lists;
};

using Gather = void (Gathered::*)(const RecordedEvent&, const rapidjson::Value&);
// A message's progress moves its own row only.
constexpr On<Step<Gather>> kGathered[] = {
    {"ChatStarted", {&Gathered::chat_started, ChatLists::changed}},
    {"MessageReceived", {&Gathered::message_added, ChatLists::changed}},
    {"MessageSubmitted", {&Gathered::message_added, ChatLists::changed}},
    {"MessageDelivered", {&Gathered::message_progressed, ChatLists::kept}},
    {"MessageStatusChanged", {&Gathered::message_progressed, ChatLists::kept}},
};

using Handler = void (*)(pqxx::transaction_base&, const RecordedEvent&, const rapidjson::Value&);

// --- connection-<tenant>/<provider>

// Nodes remember the client tokens they authenticated (api/auth) until told the token is dead;
// sent with the transaction, so it arrives once the row says so.
void notify_retired_token(pqxx::transaction_base& tx, const RecordedEvent& e,
                          const rapidjson::Value& d) {
  const auto retired = domain::messaging::retired_token_sha256(e.type, d);
  if (!retired) return;
  tx.exec_params("SELECT pg_notify($1, $2)",
                 std::string{access::AccessTokensProjection::revoked_channel}, *retired);
}

void client_token_activated(pqxx::transaction_base& tx, const RecordedEvent& e,
                            const rapidjson::Value& d) {
  // Every active connection has its main account: a reactivation brings it back with the
  // connection; the channel accounts come back as the provider reports them again.
  tx.exec_params(
      "WITH c AS (INSERT INTO messaging_connections (tenant_id, provider_code, app_id,"
      "   token_sha256, token_sealed, has_history, active, reason, activated_at, updated_at,"
      "   sync_state)"
      "   VALUES ($1, $2, $3, $4, $5, $6, true, NULL, $7::timestamptz, $7::timestamptz, $8)"
      "   ON CONFLICT (tenant_id, provider_code) DO UPDATE SET app_id = excluded.app_id,"
      "   token_sha256 = excluded.token_sha256, token_sealed = excluded.token_sealed,"
      "   has_history = excluded.has_history, active = true, reason = NULL,"
      "   activated_at = excluded.activated_at, updated_at = excluded.updated_at,"
      "   sync_state = excluded.sync_state, sync_finished_at = NULL, sync_reason = NULL,"
      "   sync_detail = NULL, sync_accounts = NULL, sync_chats = NULL)"
      " UPDATE messaging_accounts SET active = true, updated_at = $7::timestamptz"
      " WHERE tenant_id = $1 AND provider_code = $2 AND main AND NOT active",
      text(d, "tenant_id"), text(d, "provider_code"), text(d, "app_id"), text(d, "token_sha256"),
      text(d, "token_sealed"), domain::flag(d, "has_history"), e.recorded_at,
      // An activation recorded before activations were numbered has no sync outcome to come.
      d.HasMember("activation") ? "syncing" : "unknown");
  notify_retired_token(tx, e, d);
}

void client_token_deactivated(pqxx::transaction_base& tx, const RecordedEvent& e,
                              const rapidjson::Value& d) {
  // Seed 001: disabling the app deactivates the provider's accounts, the main one included.
  tx.exec_params(
      "WITH c AS (UPDATE messaging_connections SET active = false, reason = $3,"
      "   updated_at = $4::timestamptz WHERE tenant_id = $1 AND provider_code = $2)"
      " UPDATE messaging_accounts SET active = false, updated_at = $4::timestamptz"
      " WHERE tenant_id = $1 AND provider_code = $2 AND active",
      text(d, "tenant_id"), text(d, "provider_code"), or_default(text(d, "reason"), "deactivated"),
      e.recorded_at);
  notify_retired_token(tx, e, d);
}

// AccountSyncCompleted, AccountSyncFailed: the outcome of the connection's current activation
// (the domain records none for an older one).
void account_sync_ended(pqxx::transaction_base& tx, const RecordedEvent& e,
                        const rapidjson::Value& d) {
  const auto reason = text(d, "reason");
  std::optional<std::int64_t> accounts, chats;
  if (const auto counts = domain::messaging::sync_counts(d)) {
    accounts = counts->accounts;
    chats = counts->chats;
  }
  tx.exec_params(
      "UPDATE messaging_connections SET sync_state = $3, sync_finished_at = $4::timestamptz,"
      " sync_reason = $5, sync_detail = $6, sync_accounts = $7, sync_chats = $8"
      " WHERE tenant_id = $1 AND provider_code = $2",
      text(d, "tenant_id"), text(d, "provider_code"), reason.empty() ? "synced" : "failed",
      e.recorded_at, reason.empty() ? std::nullopt : std::optional<std::string>(reason),
      reason.empty() ? std::nullopt : std::optional<std::string>(text(d, "detail")), accounts,
      chats);
}

void account_connected(pqxx::transaction_base& tx, const RecordedEvent& e,
                       const rapidjson::Value& d) {
  const auto provider = text(d, "provider_code");
  const auto channel = text(d, "channel_code");
  // A main account reports no channel: a single-channel provider (seed 000: "Avito and the
  // like") is usually named after its channel, so its code picks the icon, else the stub.
  const auto icon = domain::messaging::channel_icon(channel.empty() ? provider : channel);
  tx.exec_params(
      "INSERT INTO messaging_accounts (tenant_id, provider_code, account_id, channel_code, icon,"
      " name, main, active, updated_at)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, true, $8::timestamptz)"
      " ON CONFLICT (tenant_id, provider_code, account_id) DO UPDATE SET"
      " channel_code = excluded.channel_code, icon = excluded.icon, name = excluded.name,"
      " main = excluded.main, active = true, updated_at = excluded.updated_at",
      text(d, "tenant_id"), provider, text(d, "account_id"),
      channel.empty() ? std::optional<std::string>() : std::optional<std::string>(channel),
      std::string(icon), text(d, "name"), domain::flag(d, "main"), e.recorded_at);
}

void account_disconnected(pqxx::transaction_base& tx, const RecordedEvent& e,
                          const rapidjson::Value& d) {
  tx.exec_params(
      "UPDATE messaging_accounts SET active = false, updated_at = $4::timestamptz"
      " WHERE tenant_id = $1 AND provider_code = $2 AND account_id = $3",
      text(d, "tenant_id"), text(d, "provider_code"), text(d, "account_id"), e.recorded_at);
}

// --- chat-<tenant>/<provider>/<chat_id>: the events not gathered

void chat_edited(pqxx::transaction_base& tx, const RecordedEvent& e, const rapidjson::Value& d) {
  // An added participant replaces one with the same id (a new name); ids compare as text.
  rapidjson::StringBuffer dropped_buffer;
  JsonWriter dropped(dropped_buffer);
  dropped.StartArray();
  const auto drop = [&](const rapidjson::Value& id) {
    if (id.IsString()) {
      id.Accept(dropped);
    } else {
      const auto raw = json_text(&id);
      dropped.String(raw.data(), static_cast<rapidjson::SizeType>(raw.size()));
    }
  };
  const auto* removed = member(d, "participants_removed");
  if (removed != nullptr && removed->IsArray()) {
    for (const auto& id : removed->GetArray()) drop(id);
  }
  const auto* added = member(d, "participants_added");
  if (added != nullptr && added->IsArray()) {
    for (const auto& p : added->GetArray()) {
      if (const auto* id = member(p, "id")) drop(*id);
    }
  }
  dropped.EndArray();
  const auto* title = member(d, "title");
  tx.exec_params(
      "UPDATE messaging_chats SET title = CASE WHEN $4 THEN nullif($5, '') ELSE title END,"
      " participants = coalesce((SELECT jsonb_agg(p ORDER BY part, n) FROM ("
      "   SELECT 0 AS part, n, p FROM jsonb_array_elements(participants)"
      "     WITH ORDINALITY AS kept(p, n) WHERE NOT $6::jsonb ? (p ->> 'id')"
      "   UNION ALL SELECT 1, n, p FROM jsonb_array_elements($7::jsonb)"
      "     WITH ORDINALITY AS added(p, n)) x), '[]'::jsonb),"
      " position = greatest(position, $8), updated_at = greatest(updated_at, $9::timestamptz)"
      " WHERE tenant_id = $1 AND provider_code = $2 AND chat_id = $3",
      text(d, "tenant_id"), text(d, "provider_code"), text(d, "chat_id"),
      title != nullptr && title->IsString(), text(d, "title"),
      std::string(dropped_buffer.GetString(), dropped_buffer.GetSize()),
      added != nullptr && added->IsArray() ? json_text(added) : std::string("[]"),
      e.position.global_position, e.recorded_at);
}

// A notification for the user the event names: `action` is the provider call given up on.
void notify(pqxx::transaction_base& tx, const RecordedEvent& e, const rapidjson::Value& d,
            const char* kind, const std::string& action) {
  tx.exec_params(
      "INSERT INTO messaging_notifications (tenant_id, user_id, position, kind, action,"
      " provider_code, chat_id, message_id, reason, detail, created_at)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, nullif($8, ''), $9, $10, $11::timestamptz)",
      text(d, "tenant_id"), text(d, "user_id"), e.position.global_position, kind, action,
      text(d, "provider_code"), text(d, "chat_id"), text(d, "message_id"), text(d, "reason"),
      text(d, "detail"), e.recorded_at);
}

void message_not_sent(pqxx::transaction_base& tx, const RecordedEvent& e,
                      const rapidjson::Value& d) {
  tx.exec_params(
      "UPDATE messaging_messages SET status = 'not_sent', not_sent_reason = $5,"
      " not_sent_detail = nullif($6, ''), updated_at = greatest(updated_at, $7::timestamptz)"
      " WHERE message_id = $4 AND tenant_id = $1 AND provider_code = $2 AND chat_id = $3",
      text(d, "tenant_id"), text(d, "provider_code"), text(d, "chat_id"), text(d, "message_id"),
      text(d, "reason"), text(d, "detail"), e.recorded_at);
  notify(tx, e, d, "not_sent", "send_message");
}

// The provider never got a CRM user's edit or read: the CRM's rows keep it, the user is told.
void delivery_failed(pqxx::transaction_base& tx, const RecordedEvent& e,
                     const rapidjson::Value& d) {
  notify(tx, e, d, "delivery_failed", text(d, "action"));
}

void message_text_updated(pqxx::transaction_base& tx, const RecordedEvent& e,
                          const rapidjson::Value& d) {
  tx.exec_params(
      "WITH m AS (UPDATE messaging_messages SET text = $5, format = $6, entities = $7::jsonb,"
      "   updated_at = greatest(updated_at, $9::timestamptz)"
      "   WHERE message_id = $4 AND tenant_id = $1 AND provider_code = $2 AND chat_id = $3"
      "   RETURNING message_id)"
      " UPDATE messaging_chats c SET last_message_text = $5,"
      " position = greatest(c.position, $8), updated_at = greatest(c.updated_at, $9::timestamptz)"
      " FROM m WHERE c.tenant_id = $1 AND c.provider_code = $2 AND c.chat_id = $3"
      "   AND c.last_message_id = m.message_id",
      text(d, "tenant_id"), text(d, "provider_code"), text(d, "chat_id"), text(d, "message_id"),
      text(d, "text"), or_default(text(d, "format"), "plain"), json_text(member(d, "entities")),
      e.position.global_position, e.recorded_at);
}

void chat_read(pqxx::transaction_base& tx, const RecordedEvent& e, const rapidjson::Value& d) {
  std::vector<std::string> ids;
  const auto* listed = member(d, "message_ids");
  if (listed != nullptr && listed->IsArray()) {
    for (const auto& id : listed->GetArray()) {
      if (id.IsString()) ids.emplace_back(id.GetString(), id.GetStringLength());
    }
  }
  // The unread count is the chat's inbound messages not seen: it loses the ones this read marks
  // (a recount would need an index of unseen messages that every inbound message pays for).
  tx.exec_params(
      "WITH seen AS (UPDATE messaging_messages SET seen = true,"
      "   updated_at = greatest(updated_at, $6::timestamptz)"
      "   WHERE tenant_id = $1 AND provider_code = $2 AND chat_id = $3"
      "   AND message_id = ANY ($4::text[]) AND NOT seen RETURNING direction)"
      " UPDATE messaging_chats SET unread_count = unread_count -"
      "   (SELECT count(*) FROM seen WHERE direction = 'inbound'),"
      " position = greatest(position, $5), updated_at = greatest(updated_at, $6::timestamptz)"
      " WHERE tenant_id = $1 AND provider_code = $2 AND chat_id = $3",
      text(d, "tenant_id"), text(d, "provider_code"), text(d, "chat_id"),
      eventstore::sql_array(ids), e.position.global_position, e.recorded_at);
}

// A connection's events write its own row and its accounts: a chat keeps the channel and icon its
// account had when it started.
constexpr On<Step<Handler>> kConnection[] = {
    {"ClientTokenActivated", {client_token_activated, ChatLists::kept}},
    {"ClientTokenDeactivated", {client_token_deactivated, ChatLists::kept}},
    {"AccountConnected", {account_connected, ChatLists::kept}},
    {"AccountDisconnected", {account_disconnected, ChatLists::kept}},
    {"AccountSyncCompleted", {account_sync_ended, ChatLists::kept}},
    {"AccountSyncFailed", {account_sync_ended, ChatLists::kept}},
};
// A message not sent or a delivery failed marks the message and notifies its author.
constexpr On<Step<Handler>> kChat[] = {
    {"ChatEdited", {chat_edited, ChatLists::changed}},
    {"MessageNotSent", {message_not_sent, ChatLists::kept}},
    {"DeliveryFailed", {delivery_failed, ChatLists::kept}},
    {"MessageTextUpdated", {message_text_updated, ChatLists::changed}},
    {"ChatRead", {chat_read, ChatLists::changed}},
};

}  // namespace

eventstore::EventFilter MessagingProjection::filter() const {
  return filter_of(kGathered, kConnection, kChat);
}

void MessagingProjection::apply(pqxx::transaction_base& tx,
                                std::span<const eventstore::RecordedEvent> events) {
  Gathered run;
  std::set<std::string> lists_changed;  // tenants
  for (const auto& e : events) {
    const bool chat = e.stream_id.starts_with("chat-");
    if (!chat && !e.stream_id.starts_with("connection-")) continue;
    const auto* gather = chat ? handler_for(kGathered, e.type) : nullptr;
    const auto* handler = gather != nullptr
                              ? nullptr
                              : handler_for(chat ? std::span<const On<Step<Handler>>>(kChat)
                                                 : std::span<const On<Step<Handler>>>(kConnection),
                                            e.type);
    if (gather == nullptr && handler == nullptr) continue;
    const auto d = domain::parse(e.data);
    if ((gather != nullptr ? gather->lists : handler->lists) == ChatLists::changed) {
      lists_changed.insert(text(d, "tenant_id"));
    }
    if (gather != nullptr) {
      (run.*(gather->apply))(e, d);
      continue;
    }
    run.flush(tx);
    handler->apply(tx, e, d);
  }
  run.flush(tx);
  if (!lists_changed.empty()) {
    // Delivered when the batch commits, so a node that drops its cached lists on it reads rows
    // that already include the batch.
    tx.exec_params("SELECT pg_notify($1, t) FROM unnest($2::text[]) t",
                   std::string{chat_list_channel},
                   eventstore::sql_array(
                       std::vector<std::string>(lists_changed.begin(), lists_changed.end())));
  }
}

}  // namespace switchboard::projections::messaging
