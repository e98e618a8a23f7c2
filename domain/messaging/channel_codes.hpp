#pragma once

#include <span>
#include <string_view>

namespace switchboard::domain::messaging {

// A channel code providers may report for an account (seed 001: "Telegram <-> telegram") and
// the icon the CRM shows for it. Several codes may share an icon (aliases).
struct ChannelCode {
  std::string_view code;
  std::string_view icon;
  std::string_view title;  // how the provider guides name the channel
};

// The icon shown for codes without one of their own; the code itself is still stored as sent.
inline constexpr std::string_view kStubIcon = "stub";

// The icon for a channel code, matched without regard to ASCII case; kStubIcon when unknown.
std::string_view channel_icon(std::string_view code);

// Every code with an icon, in the order the documentation lists them.
std::span<const ChannelCode> known_channel_codes();

}  // namespace switchboard::domain::messaging
