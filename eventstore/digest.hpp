#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace switchboard::eventstore {

// The SHA-256 of `text`.
std::array<unsigned char, 32> sha256(std::string_view text);

// Lower-case hex of `n` bytes: digests and random secrets as text.
std::string hex(const unsigned char* bytes, std::size_t n);

// The SHA-256 of `text`, lower-case hex: what a token is known by (access::token_sha256), what a
// representation is tagged with, what a page is compared by, what a migration is checked by.
std::string sha256_hex(std::string_view text);

}  // namespace switchboard::eventstore
