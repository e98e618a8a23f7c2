#include "domain/messaging/channel_codes.hpp"

#include <boost/test/unit_test.hpp>
#include <set>
#include <string>

using namespace switchboard::domain::messaging;

BOOST_AUTO_TEST_CASE(known_codes_and_their_aliases_have_icons) {
  BOOST_TEST(channel_icon("telegram") == "telegram");
  BOOST_TEST(channel_icon("whatsapp") == "whatsapp");
  BOOST_TEST(channel_icon("tgapi") == "telegram");
  BOOST_TEST(channel_icon("messenger") == "facebook");
  BOOST_TEST(channel_icon("odnoklassniki") == "ok");
  BOOST_TEST(channel_icon("twitter") == "x");
  BOOST_TEST(channel_icon("livechat") == "webchat");
  BOOST_TEST(channel_icon("imessage") == "apple");
}

BOOST_AUTO_TEST_CASE(codes_match_without_regard_to_case) {
  BOOST_TEST(channel_icon("Telegram") == "telegram");
  BOOST_TEST(channel_icon("VK") == "vk");
}

BOOST_AUTO_TEST_CASE(unknown_codes_get_the_stub_icon) {
  BOOST_TEST(channel_icon("squawk") == kStubIcon);
  BOOST_TEST(channel_icon("") == kStubIcon);
  BOOST_TEST(channel_icon("telegram ") == kStubIcon);
  BOOST_TEST(channel_icon("telegra") == kStubIcon);
}

BOOST_AUTO_TEST_CASE(the_documented_list_is_what_channel_icon_knows) {
  std::set<std::string> codes;
  for (const auto& c : known_channel_codes()) {
    BOOST_TEST_CONTEXT(c.code) {
      BOOST_TEST(codes.insert(std::string(c.code)).second);
      BOOST_TEST(channel_icon(c.code) == c.icon);
      BOOST_TEST(c.icon != kStubIcon);
      BOOST_TEST(!c.title.empty());
      for (const char ch : c.code) BOOST_TEST((ch == '_' || (ch >= 'a' && ch <= 'z')));
    }
  }
  BOOST_TEST(codes.size() >= 20u);
}
