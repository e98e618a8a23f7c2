#include "commands/digest.hpp"

#include <openssl/sha.h>

#include "commands/command_context.hpp"

namespace switchboard::commands {

std::string sha256_hex(std::string_view text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return hex(digest, sizeof digest);
}

}  // namespace switchboard::commands
