#include "commands/cti/password.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <charconv>
#include <optional>
#include <stdexcept>
#include <vector>

#include "eventstore/digest.hpp"

namespace switchboard::commands::cti {
namespace {

// About 16 MiB and 50 ms per hash on the reference machine: slow for guessing, fine for logins.
constexpr std::uint64_t default_n = 1 << 14;
constexpr std::uint64_t default_r = 8;
constexpr std::uint64_t default_p = 1;
constexpr std::size_t salt_bytes = 16;
constexpr std::size_t hash_bytes = 32;
constexpr std::uint64_t max_memory = 256ull << 20;

std::string hex(const std::vector<unsigned char>& bytes) {
  return eventstore::hex(bytes.data(), bytes.size());
}

std::optional<std::vector<unsigned char>> unhex(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  std::vector<unsigned char> out(text.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto [ptr, ec] =
        std::from_chars(text.data() + 2 * i, text.data() + 2 * i + 2, out[i], 16);
    if (ec != std::errc{} || ptr != text.data() + 2 * i + 2) return std::nullopt;
  }
  return out;
}

std::optional<std::vector<unsigned char>> scrypt(std::string_view password,
                                                 const std::vector<unsigned char>& salt,
                                                 std::uint64_t n, std::uint64_t r, std::uint64_t p,
                                                 std::size_t length) {
  std::vector<unsigned char> out(length);
  if (EVP_PBE_scrypt(password.data(), password.size(), salt.data(), salt.size(), n, r, p,
                     max_memory, out.data(), out.size()) != 1) {
    return std::nullopt;
  }
  return out;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const auto end = text.find(separator, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::optional<std::uint64_t> number(std::string_view text) {
  std::uint64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string hash_password(std::string_view password) {
  std::vector<unsigned char> salt(salt_bytes);
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) {
    throw std::runtime_error("no random bytes for a password salt");
  }
  const auto hash = scrypt(password, salt, default_n, default_r, default_p, hash_bytes);
  if (!hash) throw std::runtime_error("scrypt failed");
  return "scrypt$" + std::to_string(default_n) + "$" + std::to_string(default_r) + "$" +
         std::to_string(default_p) + "$" + hex(salt) + "$" + hex(*hash);
}

bool verify_password(std::string_view password, std::string_view encoded) {
  const auto parts = split(encoded, '$');
  if (parts.size() != 6 || parts[0] != "scrypt") return false;
  const auto n = number(parts[1]);
  const auto r = number(parts[2]);
  const auto p = number(parts[3]);
  const auto salt = unhex(parts[4]);
  const auto expected = unhex(parts[5]);
  if (!n || !r || !p || !salt || !expected || expected->empty()) return false;
  const auto actual = scrypt(password, *salt, *n, *r, *p, expected->size());
  return actual && CRYPTO_memcmp(actual->data(), expected->data(), expected->size()) == 0;
}

}  // namespace switchboard::commands::cti
