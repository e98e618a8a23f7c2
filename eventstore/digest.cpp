#include "eventstore/digest.hpp"

#include <openssl/sha.h>

namespace switchboard::eventstore {

std::array<unsigned char, 32> sha256(std::string_view text) {
  static_assert(SHA256_DIGEST_LENGTH == 32);
  std::array<unsigned char, 32> digest;
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
  return digest;
}

std::string hex(const unsigned char* bytes, std::size_t n) {
  constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[bytes[i] >> 4];
    out += digits[bytes[i] & 15];
  }
  return out;
}

std::string sha256_hex(std::string_view text) {
  const auto digest = sha256(text);
  return hex(digest.data(), digest.size());
}

}  // namespace switchboard::eventstore
