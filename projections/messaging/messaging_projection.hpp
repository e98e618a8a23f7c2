#pragma once

#include "projections/projection.hpp"

namespace switchboard::projections::messaging {

// Connections, accounts, chats, messages and per-user notifications (docs/messaging.md, "Read
// models"), from the "connection-" and "chat-" streams. This is on the hot path of inbound
// traffic, so the common chat events of a batch are applied a few statements at a time (see
// the .cpp); the rest one statement each, in the log's order. Each batch notifies channel
// `messaging_chat_lists` with the tenants whose chat lists it may have changed, so every node's
// cached lists (api/cache/read_model_watch.hpp) are dropped when the batch commits.
class MessagingProjection final : public Projection {
 public:
  static constexpr const char* chat_list_channel = "messaging_chat_lists";

  std::string name() const override { return "messaging"; }
  std::vector<std::string> tables() const override {
    return {"messaging_connections", "messaging_accounts", "messaging_chats", "messaging_messages",
            "messaging_notifications"};
  }
  void apply(pqxx::transaction_base& tx,
             std::span<const eventstore::RecordedEvent> events) override;
  eventstore::EventFilter filter() const override;
};

}  // namespace switchboard::projections::messaging
