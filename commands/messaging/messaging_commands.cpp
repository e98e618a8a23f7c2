#include "commands/messaging/messaging_commands.hpp"

#include <algorithm>
#include <deque>

namespace switchboard::commands::messaging {
namespace {

CommandOutcome rejected(domain::Rejection rejection) {
  CommandOutcome outcome;
  outcome.status = CommandOutcome::Status::rejected;
  outcome.rejection = std::move(rejection);
  return outcome;
}

}  // namespace

std::optional<CommandOutcome> MessagingCommands::refuse_ids(
    std::string_view tenant_id, std::string_view provider_code,
    std::optional<std::string_view> chat_id) {
  using Kind = domain::Rejection::Kind;
  // Stream ids join the parts with '/': a tenant id holding one could name another's stream.
  if (!dm::valid_id(tenant_id) || tenant_id.find('/') != std::string_view::npos) {
    return rejected({Kind::invalid, "not a tenant id", "tenant_id", {}});
  }
  if (!dm::valid_id(provider_code, 64) || provider_code.find('/') != std::string_view::npos) {
    return rejected({Kind::invalid, "not a provider code", "provider_code", {}});
  }
  if (chat_id && !dm::valid_id(*chat_id)) {
    return rejected(
        {Kind::invalid, "1 to 256 bytes of UTF-8 without control characters", "chat_id", {}});
  }
  return std::nullopt;
}

CommandOutcome MessagingCommands::refused_chat_id() {
  return rejected({domain::Rejection::Kind::invalid,
                   "the message's chat is not the chat it was sent to",
                   "/chat/id",
                   {}});
}

std::vector<CommandOutcome> MessagingCommands::receive_all(
    const std::string& tenant_id, const std::string& provider_code,
    std::span<const dm::ReceiveMessage> commands, const CommandContext& context,
    std::string_view canonical) {
  std::vector<CommandOutcome> outcomes(commands.size());
  if (auto refused = refuse_ids(tenant_id, provider_code)) {
    std::ranges::fill(outcomes, *refused);
    return outcomes;
  }
  dm::Connection::State linked;
  std::vector<std::string> streams;
  streams.reserve(commands.size());        // the batch holds views of them
  std::deque<dm::ReceiveMessage> derived;  // with their message ids
  std::vector<Pipeline<dm::Chat>::Command> batch;
  std::vector<std::size_t> batched;
  for (std::size_t i = 0; i < commands.size(); ++i) {
    const auto* command = &commands[i];
    if (auto refused = refuse_ids(tenant_id, provider_code, command->chat.id)) {
      outcomes[i] = std::move(*refused);
      continue;
    }
    if (command->message_id.empty()) {
      command = &derived.emplace_back(*command);
      derived.back().message_id = inbound_message_id(tenant_id, provider_code, command->chat.id,
                                                     command->provider_message_id);
    }
    const auto& c = *command;
    streams.push_back(dm::Chat::id(tenant_id, provider_code, c.chat.id));
    batch.push_back({streams.back(), context, canonical,
                     [&linked, &c](const dm::Chat::State& s) { return dm::decide(s, c, linked); }});
    batched.push_back(i);
  }
  auto results = run_linked(tenant_id, provider_code, batch, linked);
  for (std::size_t k = 0; k < batched.size(); ++k) outcomes[batched[k]] = std::move(results[k]);
  return outcomes;
}

std::vector<CommandOutcome> MessagingCommands::run_linked(
    const std::string& tenant_id, const std::string& provider_code,
    std::span<const Pipeline<dm::Chat>::Command> batch, dm::Connection::State& linked) {
  if (batch.empty()) return {};
  if (batch.size() != 1) {
    linked = connection(tenant_id, provider_code);
    return chats_.execute_all(batch);
  }
  const auto& c = batch.front();
  linked = connection(tenant_id, provider_code, connection_max_age_);
  auto outcome = chats_.execute(c.id, c.context, c.canonical_command, c.decide);
  if (outcome.status == CommandOutcome::Status::rejected) {
    linked = connection(tenant_id, provider_code);
    outcome = chats_.execute(c.id, c.context, c.canonical_command, c.decide);
  }
  return {std::move(outcome)};
}

CommandOutcome MessagingCommands::activate_token(const dm::ActivateToken& command,
                                                 const CommandContext& context,
                                                 std::string_view canonical) {
  if (auto refused = refuse_ids(command.tenant_id, command.provider_code)) return *refused;
  // Input the connection would refuse is refused before the hash becomes a stream id.
  if (auto d = dm::decide(dm::Connection::State{}, command);
      std::holds_alternative<domain::Rejection>(d)) {
    return rejected(std::get<domain::Rejection>(std::move(d)));
  }
  // The claim carries no idempotency key of its own: a retry finds the token already claimed by
  // this connection and passes.
  CommandContext claim_context = context;
  claim_context.idempotency_key.reset();
  const dm::ClaimClientToken claim{command.tenant_id, command.provider_code};
  auto claimed = claims_.execute(command.token_sha256, claim_context, canonical,
                                 [&](const auto& s) { return dm::decide(s, claim); });
  if (!claimed.ok()) return claimed;
  return connections_.execute(
      dm::Connection::id(command.tenant_id, command.provider_code), context, canonical,
      [&](const dm::Connection::State& s) { return dm::decide(s, command); });
}

std::string MessagingCommands::inbound_message_id(std::string_view tenant_id,
                                                  std::string_view provider_code,
                                                  std::string_view chat_id,
                                                  std::string_view provider_message_id) {
  // Ids never hold control characters (the domain refuses them), so NUL separates them
  // unambiguously.
  std::string name;
  for (const auto part : {tenant_id, provider_code, chat_id, provider_message_id}) {
    name.append(part).push_back('\0');
  }
  return name_uuid(name);
}

}  // namespace switchboard::commands::messaging
