#include "commands/access/access_commands.hpp"

#include <openssl/rand.h>

#include <array>
#include <stdexcept>

#include "eventstore/digest.hpp"

namespace switchboard::commands::access {
namespace {

std::string new_secret(domain::access::TokenKind kind) {
  return random_secret(kind == domain::access::TokenKind::service ? "sbs_"
                       : kind == domain::access::TokenKind::user  ? "sbu_"
                                                                  : "sbd_");
}

}  // namespace

std::string random_secret(std::string_view prefix) {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw std::runtime_error("no randomness for a secret");
  }
  return std::string(prefix) + eventstore::hex(bytes.data(), bytes.size());
}

std::string token_sha256(std::string_view secret) {
  return eventstore::sha256_hex(secret);
}

std::variant<IssuedToken, CommandOutcome> AccessCommands::issue(domain::access::TokenKind kind,
                                                                const std::string& subject,
                                                                const std::string& role,
                                                                const std::string& label,
                                                                const CommandContext& context) {
  IssuedToken issued{new_uuid(), new_secret(kind)};
  const domain::access::IssueToken command{
      issued.token_id, kind, subject, role, token_sha256(issued.secret), label};
  auto outcome = tokens_.execute(issued.token_id, context, "issue " + issued.token_id,
                                 [&](const auto& s) { return decide(s, command); });
  if (outcome.status != CommandOutcome::Status::accepted) return outcome;
  return issued;
}

CommandOutcome AccessCommands::revoke(const std::string& token_id, const std::string& reason,
                                      const CommandContext& context) {
  const domain::access::RevokeToken command{reason};
  return tokens_.execute(token_id, context, "revoke " + token_id,
                         [&](const auto& s) { return decide(s, command); });
}

}  // namespace switchboard::commands::access
