#pragma once

#include <optional>
#include <string>

namespace switchboard::commands {

// Who asked and why: copied into every event's metadata, so the audit trail can answer
// "who did this, as part of what".
struct CommandContext {
  std::string tenant;
  std::string actor;
  std::string correlation_id;
  std::string causation_id;
  std::string command_id;
  // From the HTTP Idempotency-Key header; scoped to the tenant and actor when stored.
  std::optional<std::string> idempotency_key;
};

// A random UUID (version 4), for event ids, command ids and correlation ids.
std::string new_uuid();

// A UUID (version 8) derived from `name` by SHA-256: the same name always gives the same id, so
// a retried request names the same message.
std::string name_uuid(std::string_view name);

// The metadata JSON object stored with each event.
std::string metadata_json(const CommandContext& context);

// A short stable digest of a command's canonical text: what an idempotency key is bound to.
std::string fingerprint(std::string_view canonical_command);

}  // namespace switchboard::commands
