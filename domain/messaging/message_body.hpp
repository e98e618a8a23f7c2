#pragma once

// The value objects of messaging (docs/messaging.md, "Message bodies"): chats as providers
// describe them, message bodies, and their one JSON encoding, shared by events, routes and
// projections so the three never drift apart.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/decision.hpp"
#include "domain/json.hpp"

namespace switchboard::domain::messaging {

inline constexpr std::size_t kMaxTextLength = 65'536;  // characters (code points)
inline constexpr std::int64_t kMaxAttachmentSize =
    2'147'483'648;                                // 2 GiB, declared by the provider
inline constexpr std::size_t kMaxIdLength = 256;  // chat, participant, message ids

inline constexpr std::string_view kFormats[] = {"plain", "markdown", "html"};
inline constexpr std::string_view kEntityTypes[] = {"bold", "italic", "underline", "strike",
                                                    "code", "pre",    "link",      "mention"};
inline constexpr std::string_view kChatKinds[] = {"private", "group"};

struct Participant {
  std::string id;
  std::string name;
  bool operator==(const Participant&) const = default;
};

struct ChatInfo {
  std::string id;
  std::string kind = "private";
  std::string title;
  std::vector<Participant> participants;
};

// A formatting span over the text, in UTF-16 code units (the Telegram convention).
struct Entity {
  std::string type;
  std::int64_t offset = 0;
  std::int64_t length = 0;
  std::string url;  // link entities only
  bool operator==(const Entity&) const = default;
};

// A file kept at the provider: Switchboard stores the link and what the provider declared.
struct Attachment {
  std::string url;
  std::string name;
  std::string mime_type;
  std::int64_t size = 0;
  bool operator==(const Attachment&) const = default;
};

struct MessageBody {
  std::string text;  // stored as sent, every special character kept
  std::string format = "plain";
  std::vector<Entity> entities;
  std::vector<Attachment> attachments;
};

// Every fault of a body, each named by a JSON pointer under `pointer_prefix` (e.g. "/text",
// "/items/3/message/entities/0/offset"). Empty when valid.
std::vector<FieldProblem> validate(const MessageBody& body, std::string_view pointer_prefix);
// The same for an edit of a message's text: attachments stay as they were, so an empty text is
// fine when the message has some.
std::vector<FieldProblem> validate_text(const MessageBody& body, std::string_view pointer_prefix,
                                        bool text_required);
std::vector<FieldProblem> validate(const ChatInfo& chat, std::string_view pointer_prefix);
std::vector<FieldProblem> validate(const Participant& participant, std::string_view pointer_prefix);

// An id of the provider's (chat, participant, message, account): 1 to `max_length` bytes, valid
// UTF-8, no control characters (ids end up in stream ids, URLs and logs).
bool valid_id(std::string_view id, std::size_t max_length = kMaxIdLength);

// Text the event store can keep and providers can be sent: valid UTF-8 without U+0000 (which
// PostgreSQL's jsonb refuses).
bool storable_text(std::string_view s);

// The length of UTF-8 text in UTF-16 code units; nullopt when it is not valid UTF-8.
std::optional<std::size_t> utf16_length(std::string_view utf8);

// JSON -> value objects. Missing or mistyped members read as empty (the request schemas check
// shapes; event data is written by the functions below); a number that is not an integer reads
// as -1, so validation names it.
Participant participant_from_json(const rapidjson::Value& v);
ChatInfo chat_from_json(const rapidjson::Value& v);
Entity entity_from_json(const rapidjson::Value& v);
Attachment attachment_from_json(const rapidjson::Value& v);
// Reads `text`, `format` (absent: plain), `entities` and `attachments` of the object `v`: a
// request body or an event's data alike.
MessageBody body_from_json(const rapidjson::Value& v);

// Value objects -> JSON. Each writes one complete value (an object, or an array for lists).
void write(JsonWriter& w, const Participant& p);
void write(JsonWriter& w, const std::vector<Participant>& participants);
void write(JsonWriter& w, const ChatInfo& chat);
void write(JsonWriter& w, const Entity& e);
void write(JsonWriter& w, const std::vector<Entity>& entities);
void write(JsonWriter& w, const Attachment& a);
void write(JsonWriter& w, const std::vector<Attachment>& attachments);
void write(JsonWriter& w, const MessageBody& body);
// The body's members (`text`, `format`, `entities`, `attachments`) into the object being
// written: how events carry a body.
void write_fields(JsonWriter& w, const MessageBody& body);

}  // namespace switchboard::domain::messaging
