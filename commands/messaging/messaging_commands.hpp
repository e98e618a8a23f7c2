#pragma once

// Messaging's commands (docs/messaging.md): connections and their client tokens, chats and their
// messages. Routes and the delivery worker call these; the rules live in domain/messaging.

#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "commands/pipeline.hpp"
#include "domain/messaging/chat.hpp"
#include "domain/messaging/client_token_claim.hpp"
#include "domain/messaging/connection.hpp"

namespace switchboard::commands::messaging {

namespace dm = domain::messaging;

class MessagingCommands {
 public:
  // A chat command checks the connection (active, the account connected) on a state at most
  // `connection_max_age` old: another node's DisconnectAccount takes that long to be seen here
  // (a refusal is always checked against the store's connection).
  explicit MessagingCommands(eventstore::EventStore& store,
                             std::chrono::milliseconds connection_max_age = std::chrono::seconds(1))
      : connections_(store),
        chats_(store),
        claims_(store),
        connection_max_age_(connection_max_age) {}

  // Claims the token for this tenant x provider, then activates it on the connection.
  CommandOutcome activate_token(const dm::ActivateToken& command, const CommandContext& context,
                                std::string_view canonical);

  // Any other connection command: decide(connection state, command).
  template <class Command>
  CommandOutcome on_connection(const std::string& tenant_id, const std::string& provider_code,
                               const Command& command, const CommandContext& context,
                               std::string_view canonical) {
    if (auto refused = refuse_ids(tenant_id, provider_code)) return *refused;
    return connections_.execute(
        dm::Connection::id(tenant_id, provider_code), context, canonical,
        [&](const dm::Connection::State& s) { return dm::decide(s, command); });
  }

  // Any chat command: decide(chat state, command), with the connection's state at hand for the
  // commands that check it. A ReceiveMessage without a message_id gets the derived one.
  template <class Command>
  CommandOutcome on_chat(const std::string& tenant_id, const std::string& provider_code,
                         const std::string& chat_id, const Command& command,
                         const CommandContext& context, std::string_view canonical) {
    if (auto refused = refuse_ids(tenant_id, provider_code, chat_id)) return *refused;
    if constexpr (std::is_same_v<Command, dm::ReceiveMessage>) {
      if (command.chat.id != chat_id) return refused_chat_id();
      return std::move(
          receive_all(tenant_id, provider_code, std::span(&command, 1), context, canonical)
              .front());
    } else if constexpr (requires(const dm::Chat::State& s, const dm::Connection::State& c) {
                           dm::decide(s, command, c);
                         }) {
      dm::Connection::State linked;
      const auto chat = dm::Chat::id(tenant_id, provider_code, chat_id);
      const std::array batch{Pipeline<dm::Chat>::Command{
          chat, context, canonical,
          [&](const dm::Chat::State& s) { return dm::decide(s, command, linked); }}};
      return std::move(run_linked(tenant_id, provider_code, batch, linked).front());
    } else {
      return chats_.execute(dm::Chat::id(tenant_id, provider_code, chat_id), context, canonical,
                            [&](const dm::Chat::State& s) { return dm::decide(s, command); });
    }
  }

  // ReceiveMessage commands of one tenant x provider, as on_chat runs each, decided together
  // (Pipeline::execute_all): a bulk request's messages, a chat's in one append. The outcomes are
  // in the commands' order. `canonical` is for the context's idempotency key (a bulk request's
  // items have none).
  std::vector<CommandOutcome> receive_all(const std::string& tenant_id,
                                          const std::string& provider_code,
                                          std::span<const dm::ReceiveMessage> commands,
                                          const CommandContext& context,
                                          std::string_view canonical = {});

  // The store's current state, or a cached one it confirmed within `max_age`.
  dm::Connection::State connection(const std::string& tenant_id, const std::string& provider_code,
                                   std::chrono::milliseconds max_age = {}) {
    return connections_
        .load(Pipeline<dm::Connection>::stream_id(dm::Connection::id(tenant_id, provider_code)),
              max_age)
        ->state;
  }
  // Shared with the cache: a chat's state holds every message of the chat.
  std::shared_ptr<const dm::Chat::State> chat(const std::string& tenant_id,
                                              const std::string& provider_code,
                                              const std::string& chat_id) {
    auto entry =
        chats_.load(Pipeline<dm::Chat>::stream_id(dm::Chat::id(tenant_id, provider_code, chat_id)));
    return {entry, &entry->state};
  }

  // The message id of an inbound message: a UUID derived by SHA-256 from (tenant, provider, chat,
  // provider message id), so a provider repeating a message names the same one. Providers' ids
  // need only be unique within a chat (many messengers number messages per chat).
  static std::string inbound_message_id(std::string_view tenant_id, std::string_view provider_code,
                                        std::string_view chat_id,
                                        std::string_view provider_message_id);

 private:
  // Ids that would make a malformed stream id are refused before any stream is touched.
  static std::optional<CommandOutcome> refuse_ids(
      std::string_view tenant_id, std::string_view provider_code,
      std::optional<std::string_view> chat_id = std::nullopt);
  static CommandOutcome refused_chat_id();

  // Runs chat commands that decide with the connection `linked` (their decide reads it), which
  // this sets. One command decides on a connection cached at most `connection_max_age_`, and a
  // refusal is answered only once the store's connection agrees (another node may have just
  // activated it or connected an account on it). Several decide on the store's connection at
  // once: one refused and run again after the batch could land after a later message of its
  // chat.
  std::vector<CommandOutcome> run_linked(const std::string& tenant_id,
                                         const std::string& provider_code,
                                         std::span<const Pipeline<dm::Chat>::Command> batch,
                                         dm::Connection::State& linked);

  Pipeline<dm::Connection> connections_;
  Pipeline<dm::Chat> chats_;
  Pipeline<dm::ClientTokenClaim> claims_;
  std::chrono::milliseconds connection_max_age_;
};

}  // namespace switchboard::commands::messaging
