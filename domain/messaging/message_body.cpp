#include "domain/messaging/message_body.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "domain/url.hpp"

namespace switchboard::domain::messaging {
namespace {

// Signed URLs of file storages run long; this still keeps a single attachment small.
constexpr std::size_t kMaxUrlLength = 8192;

template <std::size_t N>
bool one_of(const std::string_view (&values)[N], std::string_view v) {
  return std::ranges::find(values, v) != std::end(values);
}

std::string at(std::string_view prefix, std::string_view member) {
  return std::string(prefix) + "/" + std::string(member);
}
std::string at(std::string_view prefix, std::string_view member, std::size_t index) {
  return at(prefix, member) + "/" + std::to_string(index);
}

// Decodes one code point of strict UTF-8 at `i` (advancing it); nullopt on malformed input:
// overlong forms, surrogates and values past U+10FFFF included.
std::optional<char32_t> next_code_point(std::string_view s, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = byte(i);
  std::size_t extra = 0;
  char32_t cp = 0;
  if (lead < 0x80) {
    ++i;
    return lead;
  } else if ((lead & 0xe0) == 0xc0) {
    extra = 1;
    cp = lead & 0x1f;
  } else if ((lead & 0xf0) == 0xe0) {
    extra = 2;
    cp = lead & 0x0f;
  } else if ((lead & 0xf8) == 0xf0) {
    extra = 3;
    cp = lead & 0x07;
  } else {
    return std::nullopt;
  }
  if (i + extra >= s.size()) return std::nullopt;
  for (std::size_t k = 1; k <= extra; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (byte(i + k) & 0x3f);
  }
  static constexpr char32_t kMinimum[] = {0, 0x80, 0x800, 0x10000};
  if (cp < kMinimum[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
    return std::nullopt;
  }
  i += extra + 1;
  return cp;
}

struct TextMeasure {
  std::size_t code_points = 0;
  std::size_t utf16_units = 0;
  bool has_nul = false;
};

std::optional<TextMeasure> measure(std::string_view s) {
  TextMeasure m;
  for (std::size_t i = 0; i < s.size();) {
    const auto cp = next_code_point(s, i);
    if (!cp) return std::nullopt;
    ++m.code_points;
    m.utf16_units += *cp >= 0x10000 ? 2 : 1;
    m.has_nul = m.has_nul || *cp == 0;
  }
  return m;
}

// Text the event store can keep: PostgreSQL's jsonb refuses U+0000, and invalid UTF-8 could not
// be sent on to anyone.
const char* unstorable(std::string_view s) {
  const auto m = measure(s);
  if (!m) return "must be valid UTF-8";
  if (m->has_nul) return "must not contain the NUL character (U+0000)";
  return nullptr;
}

// An RFC 6838 restricted name: what each half of "type/subtype" may be.
bool mime_token(std::string_view s) {
  if (s.empty() || s.size() > 127 || !std::isalnum(static_cast<unsigned char>(s.front()))) {
    return false;
  }
  return std::ranges::all_of(s, [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("!#$&-^_.+").find(c) != std::string_view::npos;
  });
}

// "type/subtype", optionally with parameters ("text/plain; charset=utf-8").
bool mime_type(std::string_view s) {
  if (s.size() > 255) return false;
  const auto essence = s.substr(0, s.find(';'));
  const auto slash = essence.find('/');
  if (slash == std::string_view::npos) return false;
  auto subtype = essence.substr(slash + 1);
  while (!subtype.empty() && subtype.back() == ' ') subtype.remove_suffix(1);
  return mime_token(essence.substr(0, slash)) && mime_token(subtype) &&
         std::ranges::none_of(s, [](char c) { return static_cast<unsigned char>(c) < 0x20; });
}

std::int64_t integer(const rapidjson::Value& v, const char* key) {
  if (!v.IsObject()) return 0;
  const auto it = v.FindMember(key);
  if (it == v.MemberEnd()) return 0;
  if (it->value.IsInt64()) return it->value.GetInt64();
  // Too large or fractional: out of every allowed range, so validation names the field.
  return -1;
}

template <class T, class Read>
std::vector<T> array(const rapidjson::Value& v, const char* key, Read read) {
  std::vector<T> out;
  if (!v.IsObject()) return out;
  const auto it = v.FindMember(key);
  if (it == v.MemberEnd() || !it->value.IsArray()) return out;
  for (const auto& item : it->value.GetArray()) out.push_back(read(item));
  return out;
}

}  // namespace

std::optional<std::size_t> utf16_length(std::string_view utf8) {
  const auto m = measure(utf8);
  if (!m) return std::nullopt;
  return m->utf16_units;
}

bool storable_text(std::string_view s) {
  return unstorable(s) == nullptr;
}

bool valid_id(std::string_view id, std::size_t max_length) {
  if (id.empty() || id.size() > max_length || !measure(id)) return false;
  return std::ranges::none_of(id, [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

std::vector<FieldProblem> validate_text(const MessageBody& body, std::string_view prefix,
                                        bool text_required) {
  std::vector<FieldProblem> problems;
  const auto m = measure(body.text);
  if (!m) {
    problems.push_back({at(prefix, "text"), "must be valid UTF-8"});
  } else if (m->has_nul) {
    problems.push_back({at(prefix, "text"), "must not contain the NUL character (U+0000)"});
  } else if (m->code_points > kMaxTextLength) {
    problems.push_back({at(prefix, "text"), "must be at most 65536 characters"});
  } else if (text_required && body.text.empty()) {
    problems.push_back({at(prefix, "text"), "a message needs a text or at least one attachment"});
  }
  if (!one_of(kFormats, body.format)) {
    problems.push_back({at(prefix, "format"), "must be 'plain', 'markdown' or 'html'"});
  }
  const auto units = m ? static_cast<std::int64_t>(m->utf16_units) : 0;
  for (std::size_t i = 0; i < body.entities.size(); ++i) {
    const auto& e = body.entities[i];
    const auto field = at(prefix, "entities", i);
    if (!one_of(kEntityTypes, e.type)) {
      problems.push_back(
          {field + "/type",
           "must be one of bold, italic, underline, strike, code, pre, link, mention"});
    }
    if (e.offset < 0) {
      problems.push_back({field + "/offset", "must be a non-negative integer"});
    } else if (e.offset > units) {
      problems.push_back({field + "/offset", "lies beyond the text (counted in UTF-16 units)"});
    }
    if (e.length < 0) {
      problems.push_back({field + "/length", "must be a non-negative integer"});
    } else if (e.offset >= 0 && e.offset <= units && e.length > units - e.offset) {
      problems.push_back({field + "/length", "runs past the text (counted in UTF-16 units)"});
    }
    if (e.type == "link" && !http_url(e.url, kMaxUrlLength)) {
      problems.push_back({field + "/url", "a link needs an absolute http or https URL"});
    } else if (e.type != "link" && !e.url.empty() && !http_url(e.url, kMaxUrlLength)) {
      problems.push_back({field + "/url", "must be an absolute http or https URL"});
    }
  }
  return problems;
}

std::vector<FieldProblem> validate(const MessageBody& body, std::string_view prefix) {
  auto problems = validate_text(body, prefix, body.attachments.empty());
  for (std::size_t i = 0; i < body.attachments.size(); ++i) {
    const auto& a = body.attachments[i];
    const auto field = at(prefix, "attachments", i);
    if (!http_url(a.url, kMaxUrlLength)) {
      problems.push_back({field + "/url", "must be an absolute http or https URL"});
    }
    if (a.name.empty()) {
      problems.push_back({field + "/name", "is required"});
    } else if (const auto why = unstorable(a.name)) {
      problems.push_back({field + "/name", why});
    }
    if (!mime_type(a.mime_type)) {
      problems.push_back({field + "/mime_type", "must be a media type such as image/png"});
    }
    if (a.size < 0 || a.size > kMaxAttachmentSize) {
      problems.push_back({field + "/size", "must be an integer from 0 to 2147483648 (2 GiB)"});
    }
  }
  return problems;
}

std::vector<FieldProblem> validate(const Participant& p, std::string_view prefix) {
  std::vector<FieldProblem> problems;
  if (!valid_id(p.id)) {
    problems.push_back({at(prefix, "id"), "1 to 256 bytes of UTF-8 without control characters"});
  }
  if (const auto why = unstorable(p.name)) problems.push_back({at(prefix, "name"), why});
  return problems;
}

std::vector<FieldProblem> validate(const ChatInfo& chat, std::string_view prefix) {
  std::vector<FieldProblem> problems;
  if (!valid_id(chat.id)) {
    problems.push_back({at(prefix, "id"), "1 to 256 bytes of UTF-8 without control characters"});
  }
  if (!one_of(kChatKinds, chat.kind)) {
    problems.push_back({at(prefix, "kind"), "must be 'private' or 'group'"});
  }
  if (const auto why = unstorable(chat.title)) problems.push_back({at(prefix, "title"), why});
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < chat.participants.size(); ++i) {
    const auto field = at(prefix, "participants", i);
    const auto& p = chat.participants[i];
    auto own = validate(p, field);
    problems.insert(problems.end(), own.begin(), own.end());
    if (!p.id.empty() && !seen.insert(p.id).second) {
      problems.push_back({field + "/id", "another participant has this id"});
    }
  }
  return problems;
}

Participant participant_from_json(const rapidjson::Value& v) {
  return {text(v, "id"), text(v, "name")};
}

ChatInfo chat_from_json(const rapidjson::Value& v) {
  ChatInfo c;
  c.id = text(v, "id");
  if (v.IsObject() && v.HasMember("kind")) c.kind = text(v, "kind");
  c.title = text(v, "title");
  c.participants = array<Participant>(v, "participants", participant_from_json);
  return c;
}

Entity entity_from_json(const rapidjson::Value& v) {
  return {text(v, "type"), integer(v, "offset"), integer(v, "length"), text(v, "url")};
}

Attachment attachment_from_json(const rapidjson::Value& v) {
  return {text(v, "url"), text(v, "name"), text(v, "mime_type"), integer(v, "size")};
}

MessageBody body_from_json(const rapidjson::Value& v) {
  MessageBody b;
  b.text = text(v, "text");
  if (v.IsObject() && v.HasMember("format")) b.format = text(v, "format");
  b.entities = array<Entity>(v, "entities", entity_from_json);
  b.attachments = array<Attachment>(v, "attachments", attachment_from_json);
  return b;
}

void write(JsonWriter& w, const Participant& p) {
  w.StartObject();
  put(w, "id", p.id);
  put(w, "name", p.name);
  w.EndObject();
}

void write(JsonWriter& w, const std::vector<Participant>& participants) {
  w.StartArray();
  for (const auto& p : participants) write(w, p);
  w.EndArray();
}

void write(JsonWriter& w, const ChatInfo& chat) {
  w.StartObject();
  put(w, "id", chat.id);
  put(w, "kind", chat.kind);
  put(w, "title", chat.title);
  w.Key("participants");
  write(w, chat.participants);
  w.EndObject();
}

void write(JsonWriter& w, const Entity& e) {
  w.StartObject();
  put(w, "type", e.type);
  put(w, "offset", e.offset);
  put(w, "length", e.length);
  if (!e.url.empty()) put(w, "url", e.url);
  w.EndObject();
}

void write(JsonWriter& w, const std::vector<Entity>& entities) {
  w.StartArray();
  for (const auto& e : entities) write(w, e);
  w.EndArray();
}

void write(JsonWriter& w, const Attachment& a) {
  w.StartObject();
  put(w, "url", a.url);
  put(w, "name", a.name);
  put(w, "mime_type", a.mime_type);
  put(w, "size", a.size);
  w.EndObject();
}

void write(JsonWriter& w, const std::vector<Attachment>& attachments) {
  w.StartArray();
  for (const auto& a : attachments) write(w, a);
  w.EndArray();
}

void write_fields(JsonWriter& w, const MessageBody& body) {
  put(w, "text", body.text);
  put(w, "format", body.format);
  w.Key("entities");
  write(w, body.entities);
  w.Key("attachments");
  write(w, body.attachments);
}

void write(JsonWriter& w, const MessageBody& body) {
  w.StartObject();
  write_fields(w, body);
  w.EndObject();
}

}  // namespace switchboard::domain::messaging
