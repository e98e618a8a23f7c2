#pragma once

#include <string>
#include <variant>

#include "commands/pipeline.hpp"
#include "domain/access/access_token.hpp"

namespace switchboard::commands::access {

struct IssuedToken {
  std::string token_id;
  std::string secret;  // shown to the caller once, never stored
};

// 256 random bits as hex after `prefix`, which tells a leaked secret's kind at a glance (and to
// secret scanners): "sbd_" developer tokens, "sbw_" notice webhook signing secrets.
std::string random_secret(std::string_view prefix);

// SHA-256 of a token secret, hex: what the log and the read model keep.
std::string token_sha256(std::string_view secret);

class AccessCommands {
 public:
  explicit AccessCommands(eventstore::EventStore& store) : tokens_(store) {}

  std::variant<IssuedToken, CommandOutcome> issue(domain::access::TokenKind kind,
                                                  const std::string& subject,
                                                  const std::string& role, const std::string& label,
                                                  const CommandContext& context);
  CommandOutcome revoke(const std::string& token_id, const std::string& reason,
                        const CommandContext& context);

 private:
  Pipeline<domain::access::AccessToken> tokens_;
};

}  // namespace switchboard::commands::access
