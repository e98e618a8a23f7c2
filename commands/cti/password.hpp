#pragma once

#include <string>
#include <string_view>

namespace switchboard::commands::cti {

// scrypt through OpenSSL, with a random 16-byte salt, encoded with its parameters so they can be
// raised later without invalidating stored hashes: "scrypt$N$r$p$<salt hex>$<hash hex>".
std::string hash_password(std::string_view password);

// Constant-time comparison; false for a malformed encoding.
bool verify_password(std::string_view password, std::string_view encoded);

}  // namespace switchboard::commands::cti
