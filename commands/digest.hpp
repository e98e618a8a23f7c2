#pragma once

#include <string>
#include <string_view>

namespace switchboard::commands {

// The SHA-256 of `text`, lower-case hex: what a token is known by (access::token_sha256), what a
// representation is tagged with, what a page is compared by.
std::string sha256_hex(std::string_view text);

}  // namespace switchboard::commands
