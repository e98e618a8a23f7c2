#include "domain/messaging/chat.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <set>

#include "domain/json.hpp"

namespace switchboard::domain::messaging {
namespace {

using Kind = Rejection::Kind;

constexpr std::string_view kStatuses[] = {"sent", "delivered", "read", "failed"};
constexpr std::string_view kSources[] = {"provider", "crm"};
constexpr std::string_view kNotSentReasons[] = {"expired", "rejected", "connection_deactivated",
                                                "insecure_endpoint"};
constexpr const char* kNotSentRule =
    "must be 'expired', 'rejected', 'connection_deactivated' or 'insecure_endpoint'";
constexpr std::string_view kFailedActions[] = {"update_message_text", "read_chat"};
constexpr const char* kIdRule = "1 to 256 bytes of UTF-8 without control characters";

template <std::size_t N>
bool one_of(const std::string_view (&values)[N], std::string_view v) {
  return std::ranges::find(values, v) != std::end(values);
}

// Where an outbound status stands on the way to the reader; terminal statuses have none.
std::optional<int> rank(std::string_view status) {
  if (status == "pending") return 0;
  if (status == "sent") return 1;
  if (status == "delivered") return 2;
  if (status == "read") return 3;
  return std::nullopt;
}

std::size_t content_hash(const MessageBody& b) {
  std::string key = b.text;
  key += '\0';
  key += b.format;
  for (const auto& e : b.entities) {
    key += '\0' + e.type + '\0' + std::to_string(e.offset) + '\0' + std::to_string(e.length) +
           '\0' + e.url;
  }
  return std::hash<std::string>{}(key);
}

// "2024-05-01T12:00:00Z", with optional fractions and a numeric offset instead of Z.
bool rfc3339(std::string_view s) {
  const auto digits = [&](std::size_t from, std::size_t n) {
    if (from + n > s.size()) return false;
    for (std::size_t i = from; i < from + n; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    }
    return true;
  };
  if (!digits(0, 4) || s.size() < 20 || s[4] != '-' || !digits(5, 2) || s[7] != '-' ||
      !digits(8, 2) || (s[10] != 'T' && s[10] != 't') || !digits(11, 2) || s[13] != ':' ||
      !digits(14, 2) || s[16] != ':' || !digits(17, 2)) {
    return false;
  }
  std::size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    const auto start = ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (i == start) return false;
  }
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) return i + 1 == s.size();
  return i + 6 == s.size() && (s[i] == '+' || s[i] == '-') && digits(i + 1, 2) && s[i + 3] == ':' &&
         digits(i + 4, 2);
}

void write_keys(JsonWriter& w, std::string_view tenant_id, std::string_view provider_code,
                std::string_view chat_id) {
  put(w, "tenant_id", tenant_id);
  put(w, "provider_code", provider_code);
  put(w, "chat_id", chat_id);
}
void write_keys(JsonWriter& w, const Chat::State& s) {
  write_keys(w, s.tenant_id, s.provider_code, s.chat_id);
}

void write_ids(JsonWriter& w, const char* key, const std::vector<std::string>& ids) {
  w.Key(key);
  w.StartArray();
  for (const auto& id : ids) w.String(id.data(), static_cast<rapidjson::SizeType>(id.size()));
  w.EndArray();
}

Decision no_chat() {
  return reject(Kind::not_found, "no such chat", "chat_id");
}
Decision no_message() {
  return reject(Kind::not_found, "no such message in this chat", "message_id");
}

void upsert(std::vector<Participant>& participants, const Participant& p) {
  const auto it = std::ranges::lower_bound(participants, p.id, {}, &Participant::id);
  if (it != participants.end() && it->id == p.id) {
    it->name = p.name;
  } else {
    participants.insert(it, p);
  }
}

const Participant* known(const std::vector<Participant>& participants, std::string_view id) {
  const auto it = std::ranges::lower_bound(participants, id, {}, &Participant::id);
  return it != participants.end() && it->id == id ? &*it : nullptr;
}

// The participants an edit really changes: new ones, and known ones under a new (non-empty)
// name. An empty name never erases one already known.
std::vector<Participant> changed(const std::vector<Participant>& current,
                                 const std::vector<Participant>& offered) {
  std::vector<Participant> out;
  for (const auto& p : offered) {
    const auto* k = known(current, p.id);
    if (!k || (!p.name.empty() && k->name != p.name)) upsert(out, p);
  }
  return out;
}

NewEvent chat_edited(const Chat::State& s, const std::optional<std::string>& title,
                     const std::vector<Participant>& added,
                     const std::vector<std::string>& removed) {
  return {"ChatEdited", json_object([&](JsonWriter& w) {
            write_keys(w, s);
            if (title) put(w, "title", *title);
            w.Key("participants_added");
            write(w, added);
            write_ids(w, "participants_removed", removed);
          })};
}

bool connected(const Connection::State& connection, const std::string& account_id) {
  const auto it = connection.accounts.find(account_id);
  return it != connection.accounts.end() && it->second.active;
}

}  // namespace

const ChatMessage* Chat::State::find(std::string_view message_ref) const {
  const std::string ref(message_ref);
  if (const auto it = messages.find(ref); it != messages.end()) return &it->second;
  if (const auto it = by_provider_message.find(ref); it != by_provider_message.end()) {
    return &messages.at(it->second);
  }
  return nullptr;
}

std::string message_status(const Chat::State& s, std::string_view message_ref) {
  const auto* m = s.find(message_ref);
  return m ? m->status : std::string();
}

void Chat::apply(State& s, std::string_view type, std::string_view data) {
  const auto d = parse(data);
  if (type == "ChatStarted") {
    s.started = true;
    s.tenant_id = text(d, "tenant_id");
    s.provider_code = text(d, "provider_code");
    s.chat_id = text(d, "chat_id");
    s.account_id = text(d, "account_id");
    s.kind = text(d, "kind");
    s.title = text(d, "title");
    s.participants.clear();
    if (d.HasMember("participants") && d["participants"].IsArray()) {
      for (const auto& p : d["participants"].GetArray())
        upsert(s.participants, participant_from_json(p));
    }
  } else if (type == "ChatEdited") {
    if (d.HasMember("title")) s.title = text(d, "title");
    if (d.HasMember("participants_added") && d["participants_added"].IsArray()) {
      for (const auto& p : d["participants_added"].GetArray()) {
        upsert(s.participants, participant_from_json(p));
      }
    }
    if (d.HasMember("participants_removed") && d["participants_removed"].IsArray()) {
      for (const auto& id : d["participants_removed"].GetArray()) {
        if (!id.IsString()) continue;
        std::erase_if(s.participants, [&](const Participant& p) { return p.id == id.GetString(); });
      }
    }
  } else if (type == "MessageReceived" || type == "MessageSubmitted") {
    const bool inbound = type == "MessageReceived";
    ChatMessage m;
    m.message_id = text(d, "message_id");
    m.provider_message_id = text(d, "provider_message_id");
    m.direction = inbound ? kInbound : kOutbound;
    m.user_id = text(d, "user_id");
    m.status = inbound ? "delivered" : "pending";
    // A user never has to read what they wrote, nor history imported silently.
    m.seen = !inbound || flag(d, "silent");
    const auto body = body_from_json(d);
    m.has_attachments = !body.attachments.empty();
    m.content_hash = content_hash(body);
    m.sequence = static_cast<std::int64_t>(s.messages.size()) + 1;
    if (!m.provider_message_id.empty()) s.by_provider_message[m.provider_message_id] = m.message_id;
    s.messages[m.message_id] = std::move(m);
  } else if (type == "MessageDelivered") {
    auto& m = s.messages[text(d, "message_id")];
    m.provider_message_id = text(d, "provider_message_id");
    if (!m.provider_message_id.empty()) {
      s.by_provider_message[m.provider_message_id] = text(d, "message_id");
    }
    if (m.status == "pending") m.status = "sent";
  } else if (type == "MessageNotSent") {
    s.messages[text(d, "message_id")].status = "not_sent";
  } else if (type == "MessageTextUpdated") {
    s.messages[text(d, "message_id")].content_hash = content_hash(body_from_json(d));
  } else if (type == "MessageStatusChanged") {
    s.messages[text(d, "message_id")].status = text(d, "status");
  } else if (type == "ChatRead") {
    if (d.HasMember("message_ids") && d["message_ids"].IsArray()) {
      for (const auto& id : d["message_ids"].GetArray()) {
        if (!id.IsString()) continue;
        if (const auto it = s.messages.find(id.GetString()); it != s.messages.end()) {
          it->second.seen = true;
        }
      }
    }
  }
}

// The chat object each message carries is the provider's current view of the chat, so a
// message for a known chat brings it up to date: participants not yet known (the sender
// included) are added, known ones take a new non-empty name, a new non-empty title replaces the
// old one. Nobody is removed: a message may list only some participants, so removal is explicit
// (EditChat). The kind and the account stay those the chat started with.
Decision decide(const Chat::State& s, const ReceiveMessage& c,
                const Connection::State& connection) {
  std::vector<FieldProblem> problems = validate(c.chat, "/chat");
  if (!c.account_id.empty() && !valid_id(c.account_id, kMaxAccountIdLength)) {
    problems.push_back({"/account_id", "1 to 128 bytes of UTF-8 without control characters"});
  }
  if (!valid_id(c.provider_message_id)) problems.push_back({"/provider_message_id", kIdRule});
  auto sender = validate(c.sender, "/sender");
  problems.insert(problems.end(), sender.begin(), sender.end());
  auto body = validate(c.body, "");
  problems.insert(problems.end(), body.begin(), body.end());
  if (!c.sent_at.empty() && !rfc3339(c.sent_at)) {
    problems.push_back({"/sent_at", "must be an RFC 3339 date-time, e.g. 2024-05-01T12:00:00Z"});
  }
  if (c.message_id.empty() || !valid_id(c.tenant_id) || !valid_id(c.provider_code)) {
    problems.push_back({"message_id", "the message's tenant, provider and id are required"});
  }
  if (!problems.empty()) return reject(Kind::invalid, "invalid message", std::move(problems));

  if (s.by_provider_message.contains(c.provider_message_id) || s.messages.contains(c.message_id)) {
    return std::vector<NewEvent>{};
  }
  const std::string account_id = c.account_id.empty() ? std::string(kMainAccount) : c.account_id;
  if (!connection.active) {
    return reject(Kind::forbidden, "the connection is not active", "provider_code");
  }
  if (!connected(connection, account_id)) {
    return reject(Kind::not_found, "no connected account has this id: connect the channel first",
                  "account_id");
  }
  // A known chat keeps the account it started on, and that channel must be connected too: a
  // message naming another account (or none: the main one) must not slip into a chat whose
  // channel was disconnected.
  const auto& chat_account = s.started ? s.account_id : account_id;
  if (!connected(connection, chat_account)) {
    return reject(Kind::not_found,
                  "the chat's account (" + chat_account +
                      ") is disconnected: connect the channel again first",
                  "account_id");
  }

  std::vector<Participant> offered;
  for (const auto& p : c.chat.participants) upsert(offered, p);
  if (const auto* listed = known(offered, c.sender.id)) {
    if (listed->name.empty()) upsert(offered, c.sender);
  } else {
    upsert(offered, c.sender);
  }

  std::vector<NewEvent> events;
  if (!s.started) {
    events.push_back({"ChatStarted", json_object([&](JsonWriter& w) {
                        write_keys(w, c.tenant_id, c.provider_code, c.chat.id);
                        put(w, "account_id", account_id);
                        put(w, "kind", c.chat.kind);
                        put(w, "title", c.chat.title);
                        w.Key("participants");
                        write(w, offered);
                      })});
  } else {
    const auto added = changed(s.participants, offered);
    std::optional<std::string> title;
    if (!c.chat.title.empty() && c.chat.title != s.title) title = c.chat.title;
    if (!added.empty() || title) events.push_back(chat_edited(s, title, added, {}));
  }
  events.push_back({"MessageReceived", json_object([&](JsonWriter& w) {
                      write_keys(w, c.tenant_id, c.provider_code, c.chat.id);
                      put(w, "message_id", c.message_id);
                      put(w, "provider_message_id", c.provider_message_id);
                      put(w, "account_id", chat_account);
                      w.Key("sender");
                      write(w, c.sender);
                      write_fields(w, c.body);
                      put(w, "sent_at", c.sent_at);
                      put(w, "silent", c.silent);
                    })});
  return events;
}

Decision decide(const Chat::State& s, const SubmitMessage& c, const Connection::State& connection) {
  std::vector<FieldProblem> problems = validate(c.body, "");
  if (!valid_id(c.message_id)) problems.push_back({"/message_id", kIdRule});
  if (!valid_id(c.user_id)) problems.push_back({"/user_id", kIdRule});
  if (!problems.empty()) return reject(Kind::invalid, "invalid message", std::move(problems));
  if (!s.started) return no_chat();
  if (const auto it = s.messages.find(c.message_id); it != s.messages.end()) {
    // A retry names the same message: nothing new. Anyone else reusing the id is refused.
    if (it->second.direction == kOutbound && it->second.user_id == c.user_id) {
      return std::vector<NewEvent>{};
    }
    return reject(Kind::conflict, "another message has this id", "message_id");
  }
  if (!connection.active) {
    return reject(Kind::conflict, "the connection to this provider is not active", "provider_code");
  }
  if (!connected(connection, s.account_id)) {
    return reject(Kind::conflict,
                  "the chat's account (" + s.account_id + ") is disconnected at the provider",
                  "chat_id");
  }
  std::string reply_to;
  if (!c.reply_to.empty()) {
    const auto* replied = s.find(c.reply_to);
    if (!replied) return reject(Kind::not_found, "no such message in this chat", "reply_to");
    reply_to = replied->message_id;
  }
  return std::vector<NewEvent>{{"MessageSubmitted", json_object([&](JsonWriter& w) {
                                  write_keys(w, s);
                                  put(w, "message_id", c.message_id);
                                  put(w, "account_id", s.account_id);
                                  put(w, "user_id", c.user_id);
                                  write_fields(w, c.body);
                                  if (!reply_to.empty()) put(w, "reply_to", reply_to);
                                })}};
}

Decision decide(const Chat::State& s, const RecordDelivery& c) {
  if (!valid_id(c.provider_message_id)) {
    return reject(Kind::invalid, kIdRule, "provider_message_id");
  }
  const auto it = s.messages.find(c.message_id);
  if (it == s.messages.end()) return no_message();
  const auto& m = it->second;
  if (m.direction != kOutbound) {
    return reject(Kind::conflict, "only outgoing messages are delivered", "message_id");
  }
  // The first answer wins: a repeated (or late) one changes nothing. A message already reported
  // not sent stays so: its author has been told.
  if (!m.provider_message_id.empty() || m.status == "not_sent") return std::vector<NewEvent>{};
  // The provider took the message, so it is sent, even when the id it gave already names another
  // message of the chat: that id keeps naming the other one, and this message goes without.
  const bool id_taken = s.by_provider_message.contains(c.provider_message_id);
  if (id_taken && m.status != "pending") return std::vector<NewEvent>{};
  return std::vector<NewEvent>{{"MessageDelivered", json_object([&](JsonWriter& w) {
                                  write_keys(w, s);
                                  put(w, "message_id", c.message_id);
                                  if (!id_taken) {
                                    put(w, "provider_message_id", c.provider_message_id);
                                  }
                                })}};
}

Decision decide(const Chat::State& s, const RecordNotSent& c) {
  if (!one_of(kNotSentReasons, c.reason)) {
    return reject(Kind::invalid, kNotSentRule, "reason");
  }
  const auto it = s.messages.find(c.message_id);
  if (it == s.messages.end()) return no_message();
  const auto& m = it->second;
  if (m.direction != kOutbound) {
    return reject(Kind::conflict, "only outgoing messages are sent", "message_id");
  }
  if (m.status != "pending") return std::vector<NewEvent>{};
  return std::vector<NewEvent>{{"MessageNotSent", json_object([&](JsonWriter& w) {
                                  write_keys(w, s);
                                  put(w, "message_id", c.message_id);
                                  put(w, "user_id", m.user_id);
                                  put(w, "reason", c.reason);
                                  put(w, "detail", c.detail);
                                })}};
}

Decision decide(const Chat::State& s, const RecordDeliveryFailed& c) {
  if (!one_of(kFailedActions, c.action)) {
    return reject(Kind::invalid, "must be 'update_message_text' or 'read_chat'", "action");
  }
  if (!one_of(kNotSentReasons, c.reason)) {
    return reject(Kind::invalid, kNotSentRule, "reason");
  }
  if (!valid_id(c.user_id)) return reject(Kind::invalid, kIdRule, "user_id");
  if (!s.started) return no_chat();
  const bool edit = c.action == "update_message_text";
  if (edit && !s.messages.contains(c.message_id)) return no_message();
  return std::vector<NewEvent>{{"DeliveryFailed", json_object([&](JsonWriter& w) {
                                  write_keys(w, s);
                                  put(w, "action", c.action);
                                  if (edit) put(w, "message_id", c.message_id);
                                  put(w, "user_id", c.user_id);
                                  put(w, "reason", c.reason);
                                  put(w, "detail", c.detail);
                                })}};
}

Decision decide(const Chat::State& s, const UpdateMessageText& c) {
  if (!one_of(kSources, c.source)) {
    return reject(Kind::invalid, "must be 'provider' or 'crm'", "source");
  }
  const auto* m = s.find(c.message_ref);
  auto problems = validate_text(c.body, "", !m || !m->has_attachments);
  if (!problems.empty()) return reject(Kind::invalid, "invalid text", std::move(problems));
  if (!m) return no_message();
  if (c.source == "crm") {
    if (m->direction != kOutbound || m->user_id != c.user_id) {
      return reject(Kind::forbidden, "only the author of an outgoing message may edit its text",
                    "message_id");
    }
    if (m->status == "not_sent") {
      return reject(Kind::conflict, "the message was not sent: there is nothing to edit",
                    "message_id");
    }
  }
  if (m->content_hash == content_hash(c.body)) return std::vector<NewEvent>{};
  return std::vector<NewEvent>{{"MessageTextUpdated", json_object([&](JsonWriter& w) {
                                  write_keys(w, s);
                                  put(w, "message_id", m->message_id);
                                  // The delivery names the message to the provider by its id.
                                  if (!m->provider_message_id.empty()) {
                                    put(w, "provider_message_id", m->provider_message_id);
                                  }
                                  put(w, "text", c.body.text);
                                  put(w, "format", c.body.format);
                                  w.Key("entities");
                                  write(w, c.body.entities);
                                  put(w, "source", c.source);
                                  if (c.source == "crm") put(w, "user_id", c.user_id);
                                })}};
}

// Statuses arrive out of order from providers: anything not ahead of the current one is old
// news, accepted and ignored. `failed` ends the way unless the message was already read.
Decision decide(const Chat::State& s, const ChangeMessageStatus& c) {
  if (!one_of(kStatuses, c.status)) {
    return reject(Kind::invalid, "must be 'sent', 'delivered', 'read' or 'failed'", "status");
  }
  const auto* m = s.find(c.message_ref);
  if (!m) return no_message();
  if (m->direction != kOutbound) {
    return reject(Kind::conflict,
                  "only outgoing messages have a delivery status: incoming ones are read with "
                  "read_chat",
                  "message_id");
  }
  const auto current = rank(m->status);
  if (!current) return std::vector<NewEvent>{};
  if (c.status == "failed" ? *current == 3 : *rank(c.status) <= *current) {
    return std::vector<NewEvent>{};
  }
  return std::vector<NewEvent>{{"MessageStatusChanged", json_object([&](JsonWriter& w) {
                                  write_keys(w, s);
                                  put(w, "message_id", m->message_id);
                                  put(w, "status", c.status);
                                })}};
}

Decision decide(const Chat::State& s, const MarkChatRead& c) {
  if (!one_of(kSources, c.source)) {
    return reject(Kind::invalid, "must be 'provider' or 'crm'", "source");
  }
  if (c.source == "crm" && !valid_id(c.user_id)) return reject(Kind::invalid, kIdRule, "user_id");
  if (!s.started) return no_chat();
  std::vector<const ChatMessage*> unseen;
  for (const auto& [id, m] : s.messages) {
    if (m.direction == kInbound && !m.seen) unseen.push_back(&m);
  }
  if (unseen.empty()) return std::vector<NewEvent>{};
  std::ranges::sort(unseen, {}, &ChatMessage::sequence);
  std::vector<std::string> ids, provider_ids;
  for (const auto* m : unseen) {
    ids.push_back(m->message_id);
    provider_ids.push_back(m->provider_message_id);
  }
  return std::vector<NewEvent>{{"ChatRead", json_object([&](JsonWriter& w) {
                                  write_keys(w, s);
                                  put(w, "source", c.source);
                                  if (c.source == "crm") put(w, "user_id", c.user_id);
                                  // The provider learns of the reading by its own ids.
                                  put(w, "account_id", s.account_id);
                                  write_ids(w, "message_ids", ids);
                                  write_ids(w, "provider_message_ids", provider_ids);
                                })}};
}

Decision decide(const Chat::State& s, const EditChat& c) {
  std::vector<FieldProblem> problems;
  if (c.title && !storable_text(*c.title)) {
    problems.push_back({"/title", "must be UTF-8 without the NUL character"});
  }
  std::set<std::string_view> added_ids;
  for (std::size_t i = 0; i < c.participants_added.size(); ++i) {
    const auto field = "/participants_added/" + std::to_string(i);
    auto own = validate(c.participants_added[i], field);
    problems.insert(problems.end(), own.begin(), own.end());
    if (!added_ids.insert(c.participants_added[i].id).second) {
      problems.push_back({field + "/id", "listed twice"});
    }
  }
  for (std::size_t i = 0; i < c.participants_removed.size(); ++i) {
    const auto field = "/participants_removed/" + std::to_string(i);
    if (!valid_id(c.participants_removed[i])) {
      problems.push_back({field, kIdRule});
    } else if (added_ids.contains(c.participants_removed[i])) {
      problems.push_back({field, "cannot be added and removed at once"});
    }
  }
  if (!problems.empty()) return reject(Kind::invalid, "invalid chat edit", std::move(problems));
  if (!s.started) return no_chat();

  std::optional<std::string> title;
  if (c.title && *c.title != s.title) title = c.title;
  const auto added = changed(s.participants, c.participants_added);
  std::set<std::string> removed;  // an id named twice is removed once
  for (const auto& id : c.participants_removed) {
    if (known(s.participants, id)) removed.insert(id);
  }
  if (!title && added.empty() && removed.empty()) return std::vector<NewEvent>{};
  return std::vector<NewEvent>{
      chat_edited(s, title, added, std::vector<std::string>(removed.begin(), removed.end()))};
}

}  // namespace switchboard::domain::messaging
