#pragma once

// Secrets at rest (client tokens, docs/messaging.md): sealed with AES-256-GCM under the server's
// `messaging.secret_key`, so a database dump alone does not let anyone call a provider. The tag
// makes any change of a sealed value (or the wrong key) fail to open instead of yielding garbage.

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace switchboard::api::crypto {

using Key = std::array<unsigned char, 32>;

// 64 hex characters (`openssl rand -hex 32`); nullopt for anything else.
std::optional<Key> key_from_hex(std::string_view hex);

// base64(nonce(12) | ciphertext | tag(16)); a fresh random nonce each time, so sealing the same
// text twice gives different outputs.
std::string seal(std::string_view plaintext, const Key& key);

// nullopt when the value is not valid base64, too short, tampered with, or sealed under another
// key.
std::optional<std::string> open(std::string_view sealed, const Key& key);

}  // namespace switchboard::api::crypto
