#include "domain/messaging/channel_codes.hpp"

#include <algorithm>

namespace switchboard::domain::messaging {
namespace {

// Aliases keep the spellings providers already use (Wazzup's transports "tgapi" and
// "whatsgroup", "vkontakte", "odnoklassniki", ...) on the icon of their channel.
constexpr ChannelCode kChannels[] = {
    {"telegram", "telegram", "Telegram"},
    {"tgapi", "telegram", "Telegram (personal account)"},
    {"whatsapp", "whatsapp", "WhatsApp"},
    {"whatsgroup", "whatsapp", "WhatsApp (groups)"},
    {"viber", "viber", "Viber"},
    {"vk", "vk", "VK"},
    {"vkontakte", "vk", "VK"},
    {"max", "max", "MAX"},
    {"ok", "ok", "Odnoklassniki"},
    {"odnoklassniki", "ok", "Odnoklassniki"},
    {"avito", "avito", "Avito"},
    {"youla", "youla", "Youla"},
    {"instagram", "instagram", "Instagram"},
    {"facebook", "facebook", "Facebook Messenger"},
    {"messenger", "facebook", "Facebook Messenger"},
    {"tiktok", "tiktok", "TikTok"},
    {"x", "x", "X (Twitter)"},
    {"twitter", "x", "X (Twitter)"},
    {"wechat", "wechat", "WeChat"},
    {"line", "line", "LINE"},
    {"kakaotalk", "kakaotalk", "KakaoTalk"},
    {"zalo", "zalo", "Zalo"},
    {"discord", "discord", "Discord"},
    {"slack", "slack", "Slack"},
    {"teams", "teams", "Microsoft Teams"},
    {"skype", "skype", "Skype"},
    {"signal", "signal", "Signal"},
    {"imessage", "apple", "Apple Messages for Business"},
    {"apple", "apple", "Apple Messages for Business"},
    {"apple_business", "apple", "Apple Messages for Business"},
    {"yandex_messenger", "yandex_messenger", "Yandex Messenger"},
    {"sms", "sms", "SMS"},
    {"email", "email", "E-mail"},
    {"mail", "email", "E-mail"},
    {"webchat", "webchat", "Website chat"},
    {"livechat", "webchat", "Website chat"},
    {"widget", "webchat", "Website chat"},
};

bool same_ascii_case_insensitive(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
    return lower(x) == lower(y);
  });
}

}  // namespace

std::string_view channel_icon(std::string_view code) {
  const auto it = std::ranges::find_if(
      kChannels, [&](const ChannelCode& c) { return same_ascii_case_insensitive(c.code, code); });
  return it == std::ranges::end(kChannels) ? kStubIcon : it->icon;
}

std::span<const ChannelCode> known_channel_codes() {
  return kChannels;
}

}  // namespace switchboard::domain::messaging
