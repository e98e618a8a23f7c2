#pragma once

// A chat inside a connection and its messages (docs/messaging.md, "Streams and events"; seed
// 001, "Публичный API"). Stream "chat-<tenant_id>/<provider_code>/<chat_id>". Chats are never
// created on their own: the first message names the chat and everyone in it.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/decision.hpp"
#include "domain/messaging/connection.hpp"
#include "domain/messaging/message_body.hpp"

namespace switchboard::domain::messaging {

inline constexpr std::string_view kInbound = "inbound";
inline constexpr std::string_view kOutbound = "outbound";

struct ChatMessage {
  std::string message_id;
  std::string provider_message_id;  // empty until the provider accepted an outbound message
  std::string direction;            // kInbound or kOutbound
  std::string user_id;              // the CRM user who wrote an outbound message
  // Outbound: pending, sent, delivered, read, failed or not_sent. Inbound: delivered (it reached
  // the tenant); its reading is `seen`.
  std::string status;
  bool seen = false;
  bool has_attachments = false;
  // The text, format and entities' hash, not the text: a long chat's state stays small. It only
  // has to compare within the process that rebuilt the state.
  std::size_t content_hash = 0;
  std::int64_t sequence = 0;  // arrival order in the chat
};

struct Chat {
  struct State {
    bool started = false;
    std::string tenant_id;
    std::string provider_code;
    std::string chat_id;
    std::string account_id;
    std::string kind;
    std::string title;
    std::vector<Participant> participants;                   // ordered by id
    std::map<std::string, ChatMessage> messages;             // by message id
    std::map<std::string, std::string> by_provider_message;  // provider message id -> message id

    // The message a reference names: a Switchboard message id first, else a provider's id.
    const ChatMessage* find(std::string_view message_ref) const;
  };
  static constexpr std::string_view category = "chat";
  static std::string id(std::string_view tenant_id, std::string_view provider_code,
                        std::string_view chat_id) {
    return std::string(tenant_id) + "/" + std::string(provider_code) + "/" + std::string(chat_id);
  }
  static void apply(State& s, std::string_view type, std::string_view data);
};

// The status of the message a reference names; empty when the chat has no such message.
std::string message_status(const Chat::State& s, std::string_view message_ref);

// A message from the provider. `message_id` is derived from (tenant, provider,
// provider_message_id) by the command layer, so a repeated message maps to the same id.
struct ReceiveMessage {
  std::string tenant_id;
  std::string provider_code;
  ChatInfo chat;
  std::string account_id;  // empty: the main account
  std::string provider_message_id;
  Participant sender;
  MessageBody body;
  std::string sent_at;  // RFC 3339 as the provider sent it; may be empty
  bool silent = false;  // history import: seen at once, nobody notified
  std::string message_id;
};
// A CRM user writes into an existing chat, from the chat's account.
struct SubmitMessage {
  std::string message_id;
  std::string user_id;
  MessageBody body;
  std::string reply_to;  // a message id or provider message id of this chat; may be empty
};
// The provider accepted an outbound message (its answer to send_message).
struct RecordDelivery {
  std::string message_id;
  std::string provider_message_id;
};
// The delivery gave up on an outbound message.
struct RecordNotSent {
  std::string message_id;
  // "expired", "rejected", "connection_deactivated" (the tenant deactivated the token or lost
  // the app while the message waited: the provider is never called again for it), or
  // "insecure_endpoint" (the configuration names plain http off loopback: never called)
  std::string reason;
  std::string detail;
};
// The delivery gave up on a CRM user's edit or read of the chat: the provider never heard of it,
// so the user is told (the CRM already shows the edit or the read).
struct RecordDeliveryFailed {
  std::string action;      // "update_message_text" or "read_chat": the provider call given up on
  std::string message_id;  // update_message_text: the edited message
  std::string user_id;     // who edited or read
  std::string reason;      // as RecordNotSent's
  std::string detail;
};
struct UpdateMessageText {
  std::string message_ref;  // message id or provider message id
  MessageBody body;         // its attachments are ignored: only the text changes
  std::string source;       // "provider" or "crm"
  std::string user_id;      // crm: who edits
};
struct ChangeMessageStatus {
  std::string message_ref;
  std::string status;  // sent, delivered, read or failed
};
struct MarkChatRead {
  std::string source;  // "provider" or "crm"
  std::string user_id;
};
struct EditChat {
  std::optional<std::string> title;
  std::vector<Participant> participants_added;
  std::vector<std::string> participants_removed;
};

// Receiving checks the account against the connection; submitting checks that the connection
// and the chat's account are still active, since nothing would ever deliver the message.
Decision decide(const Chat::State& s, const ReceiveMessage& c, const Connection::State& connection);
Decision decide(const Chat::State& s, const SubmitMessage& c, const Connection::State& connection);
Decision decide(const Chat::State& s, const RecordDelivery& c);
Decision decide(const Chat::State& s, const RecordNotSent& c);
Decision decide(const Chat::State& s, const RecordDeliveryFailed& c);
Decision decide(const Chat::State& s, const UpdateMessageText& c);
Decision decide(const Chat::State& s, const ChangeMessageStatus& c);
Decision decide(const Chat::State& s, const MarkChatRead& c);
Decision decide(const Chat::State& s, const EditChat& c);

}  // namespace switchboard::domain::messaging
