// Message bodies and chat descriptions: validation and the one JSON encoding.
#include "domain/messaging/message_body.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>

#include "domain/json.hpp"

using namespace switchboard::domain;
using namespace switchboard::domain::messaging;

namespace {

std::vector<std::string> fields(const std::vector<FieldProblem>& problems) {
  std::vector<std::string> out;
  for (const auto& p : problems) out.push_back(p.field);
  return out;
}

bool names(const std::vector<FieldProblem>& problems, const std::string& field) {
  return std::ranges::any_of(problems, [&](const auto& p) { return p.field == field; });
}

Attachment attachment() {
  return {"https://files.provider.example/a/1.png", "photo.png", "image/png", 1024};
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_body_needs_a_text_or_an_attachment) {
  MessageBody empty;
  BOOST_CHECK(names(validate(empty, ""), "/text"));
  MessageBody file_only;
  file_only.attachments.push_back(attachment());
  BOOST_CHECK(validate(file_only, "").empty());
  MessageBody text_only{"hello"};
  BOOST_CHECK(validate(text_only, "").empty());
}

BOOST_AUTO_TEST_CASE(text_length_counts_characters_not_bytes) {
  MessageBody b;
  // 65,536 Cyrillic letters are 131,072 bytes but within the limit.
  for (int i = 0; i < 65'536; ++i) b.text += "я";
  BOOST_CHECK(validate(b, "").empty());
  b.text += "я";
  BOOST_CHECK(names(validate(b, "/message"), "/message/text"));
}

BOOST_AUTO_TEST_CASE(special_characters_are_kept_but_nul_and_bad_utf8_are_refused) {
  MessageBody b{"<b>*bold*</b> \"quotes\" \\ \t\n emoji 😀"};
  BOOST_CHECK(validate(b, "").empty());
  b.text = std::string("a\0b", 3);
  BOOST_CHECK(names(validate(b, ""), "/text"));
  b.text = "\xff\xfe";
  BOOST_CHECK(names(validate(b, ""), "/text"));
  b.text = "\xed\xa0\x80";  // a lone surrogate
  BOOST_CHECK(names(validate(b, ""), "/text"));
}

BOOST_AUTO_TEST_CASE(format_must_be_known) {
  for (const auto* f : {"plain", "markdown", "html"}) {
    MessageBody b{"x", f};
    BOOST_CHECK(validate(b, "").empty());
  }
  MessageBody b{"x", "rtf"};
  BOOST_CHECK(fields(validate(b, "")) == std::vector<std::string>{"/format"});
}

BOOST_AUTO_TEST_CASE(entities_are_measured_in_utf16_code_units) {
  BOOST_CHECK_EQUAL(*utf16_length("a😀b"), 4u);  // the emoji is a surrogate pair
  BOOST_CHECK_EQUAL(*utf16_length("привет"), 6u);
  BOOST_CHECK(!utf16_length("\xc3"));
  MessageBody b{"a😀b"};
  b.entities = {{"bold", 1, 3, ""}};
  BOOST_CHECK(validate(b, "").empty());
  b.entities = {{"bold", 1, 4, ""}};
  BOOST_CHECK(fields(validate(b, "")) == std::vector<std::string>{"/entities/0/length"});
  b.entities = {{"italic", 5, 0, ""}};
  BOOST_CHECK(fields(validate(b, "")) == std::vector<std::string>{"/entities/0/offset"});
  b.entities = {{"code", -1, -2, ""}};
  BOOST_CHECK(fields(validate(b, "")) ==
              (std::vector<std::string>{"/entities/0/offset", "/entities/0/length"}));
}

BOOST_AUTO_TEST_CASE(entity_types_and_link_urls_are_checked) {
  MessageBody b{"see this"};
  b.entities = {{"blink", 0, 3, ""}};
  BOOST_CHECK(names(validate(b, ""), "/entities/0/type"));
  b.entities = {{"link", 0, 3, ""}};
  BOOST_CHECK(names(validate(b, ""), "/entities/0/url"));
  b.entities = {{"link", 0, 3, "javascript:alert(1)"}};
  BOOST_CHECK(names(validate(b, ""), "/entities/0/url"));
  b.entities = {{"link", 0, 3, "https://example.com/x"}, {"mention", 4, 4, ""}};
  BOOST_CHECK(validate(b, "").empty());
}

BOOST_AUTO_TEST_CASE(attachments_are_checked_field_by_field) {
  MessageBody b;
  b.attachments = {
      {"ftp://x/y", "", "png", -1},
      {"http://files.example/z", "z.bin", "application/octet-stream", kMaxAttachmentSize + 1},
      {"https://files.example/a", "a.txt", "text/plain; charset=utf-8", kMaxAttachmentSize}};
  BOOST_CHECK(fields(validate(b, "/m")) ==
              (std::vector<std::string>{"/m/attachments/0/url", "/m/attachments/0/name",
                                        "/m/attachments/0/mime_type", "/m/attachments/0/size",
                                        "/m/attachments/1/size"}));
  b.attachments = {{"https:///nohost", "n", "image/png", 0}};
  BOOST_CHECK(names(validate(b, ""), "/attachments/0/url"));
}

BOOST_AUTO_TEST_CASE(chat_info_is_checked) {
  ChatInfo c{"chat-1", "group", "Team", {{"u1", "Ann"}, {"u2", "Bob"}, {"u3", ""}}};
  BOOST_CHECK(validate(c, "/chat").empty());
  c.kind = "channel";
  c.participants.push_back({"u1", "Ann again"});
  c.participants.push_back({"", "nobody"});
  BOOST_CHECK(fields(validate(c, "/chat")) ==
              (std::vector<std::string>{"/chat/kind", "/chat/participants/3/id",
                                        "/chat/participants/4/id"}));
  ChatInfo bad_id{std::string(257, 'x')};
  BOOST_CHECK(names(validate(bad_id, ""), "/id"));
  ChatInfo control{"a\nb"};
  BOOST_CHECK(names(validate(control, ""), "/id"));
  ChatInfo longest{std::string(256, 'x')};
  BOOST_CHECK(validate(longest, "").empty());
}

BOOST_AUTO_TEST_CASE(json_round_trips) {
  MessageBody b{"hi *there*", "markdown"};
  b.entities = {{"bold", 3, 7, ""}, {"link", 0, 2, "https://example.com"}};
  b.attachments = {attachment()};
  const auto text = json_object([&](JsonWriter& w) { write_fields(w, b); });
  const auto back = body_from_json(parse(text));
  BOOST_CHECK_EQUAL(back.text, b.text);
  BOOST_CHECK_EQUAL(back.format, "markdown");
  BOOST_CHECK(back.entities == b.entities);
  BOOST_CHECK(back.attachments == b.attachments);

  ChatInfo c{"c1", "group", "Team", {{"u1", "Ann"}}};
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  write(w, c);
  const auto chat = chat_from_json(parse(buffer.GetString()));
  BOOST_CHECK_EQUAL(chat.id, "c1");
  BOOST_CHECK_EQUAL(chat.kind, "group");
  BOOST_CHECK_EQUAL(chat.title, "Team");
  BOOST_CHECK(chat.participants == c.participants);
}

BOOST_AUTO_TEST_CASE(absent_members_read_as_defaults_and_bad_numbers_as_invalid) {
  const auto b = body_from_json(parse(R"({"text":"x","entities":[{"type":"bold","offset":0.5,
      "length":1}],"attachments":[{"url":"https://f.example/a","name":"a","mime_type":"a/b",
      "size":99999999999999999999}]})"));
  BOOST_CHECK_EQUAL(b.format, "plain");
  BOOST_CHECK(fields(validate(b, "")) ==
              (std::vector<std::string>{"/entities/0/offset", "/attachments/0/size"}));
  BOOST_CHECK_EQUAL(chat_from_json(parse(R"({"id":"c"})")).kind, "private");
}
