#pragma once

// Signatures on what Switchboard pushes to providers (notice webhooks, docs/guides): the
// receiver recomputes them with the secret it was given, so it can tell Switchboard's requests
// from anyone else's.

#include <string>
#include <string_view>

namespace switchboard::api::crypto {

// HMAC-SHA256 of `message` under `key`, lower-case hex.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

}  // namespace switchboard::api::crypto
