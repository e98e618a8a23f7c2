#pragma once

#include <cstddef>
#include <string_view>

namespace switchboard::domain {

// An absolute http(s) URL with a host, at most `max_length` bytes, without spaces, control
// characters or the characters that never stand unescaped in a URL (" < > \).
bool http_url(std::string_view url, std::size_t max_length);

}  // namespace switchboard::domain
