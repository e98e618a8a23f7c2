#pragma once

#include <cstddef>
#include <string_view>

namespace switchboard::domain {

// An absolute http(s) URL with a host, at most `max_length` bytes, without spaces, control
// characters or the characters that never stand unescaped in a URL (" < > \).
bool http_url(std::string_view url, std::size_t max_length);

// An http:// (not https://) URL whose host is not loopback (127.0.0.0/8, ::1, localhost): what
// goes there crosses the network in clear text.
bool clear_text_off_loopback(std::string_view url);

}  // namespace switchboard::domain
