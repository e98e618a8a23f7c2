#pragma once

// The CRM API (a CRM user's token: one tenant, one user): the tenant's connections to providers
// (activating the client tokens providers hand out), chats and messages, sending and editing
// messages, reading chats, and the user's notifications. Everything a user sends reaches the
// provider through the delivery queue (docs/messaging.md).

#include "api/auth/authenticator.hpp"
#include "api/crypto/sealed_box.hpp"
#include "api/http/router.hpp"
#include "commands/messaging/messaging_commands.hpp"
#include "commands/provider_platform/platform_commands.hpp"
#include "eventstore/connection_pool.hpp"

namespace switchboard::api::routes::crm {

struct Dependencies {
  const auth::Authenticator& auth;
  commands::messaging::MessagingCommands& messaging;
  commands::provider_platform::PlatformCommands& platform;
  eventstore::ConnectionPool& read_models;
  // Seals client tokens before they enter the log (messaging.secret_key).
  const crypto::Key& secret_key;
};

void register_routes(http::Router& router, Dependencies deps);

// POST /crm/v1/connections
http::Handler activate_client_token(Dependencies deps);
// DELETE /crm/v1/connections/:provider_code
http::Handler deactivate_client_token(Dependencies deps);
// GET /crm/v1/connections
http::Handler list_connections(Dependencies deps);
// GET /crm/v1/chats
http::Handler list_chats(Dependencies deps);
// GET /crm/v1/chats/:provider_code/:chat_id/messages
http::Handler list_messages(Dependencies deps);
// POST /crm/v1/chats/:provider_code/:chat_id/messages
http::Handler send_message(Dependencies deps);
// PUT /crm/v1/chats/:provider_code/:chat_id/messages/:message_id/text
http::Handler edit_message_text(Dependencies deps);
// POST /crm/v1/chats/:provider_code/:chat_id/read
http::Handler read_chat(Dependencies deps);
// GET /crm/v1/notifications
http::Handler list_notifications(Dependencies deps);

}  // namespace switchboard::api::routes::crm
