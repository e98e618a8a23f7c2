#pragma once

// The CRM API (a CRM user's token: one tenant, one user): the tenant's connections to providers
// (activating the client tokens providers hand out), chats and messages, sending and editing
// messages, reading chats, and the user's notifications. Everything a user sends reaches the
// provider through the delivery queue (docs/messaging.md).

#include <string>

#include "api/auth/authenticator.hpp"
#include "api/cache/read_model_watch.hpp"
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
  // Outdates the chat lists a node keeps.
  const cache::ReadModelWatch& watch;
  // Seals client tokens before they enter the log (messaging.secret_key).
  const crypto::Key& secret_key;
};

void register_routes(http::Router& router, Dependencies deps);

// Who calls a CRM route (crm_caller in crm_call.hpp), as the handlers get it.
struct CrmCall {
  auth::Principal principal;  // tenant and user set
  std::string provider_code;  // from the path, on routes with one
  std::string chat_id;        // likewise
};

// POST /crm/v1/connections
http::HandlerFor<CrmCall> activate_client_token(Dependencies deps);
// DELETE /crm/v1/connections/:provider_code
http::HandlerFor<CrmCall> deactivate_client_token(Dependencies deps);
// GET /crm/v1/connections
http::HandlerFor<CrmCall> list_connections(Dependencies deps);
// GET /crm/v1/chats
http::HandlerFor<CrmCall> list_chats(Dependencies deps);
// GET /crm/v1/chats/:provider_code/:chat_id/messages
http::HandlerFor<CrmCall> list_messages(Dependencies deps);
// POST /crm/v1/chats/:provider_code/:chat_id/messages
http::HandlerFor<CrmCall> send_message(Dependencies deps);
// PUT /crm/v1/chats/:provider_code/:chat_id/messages/:message_id/text
http::HandlerFor<CrmCall> edit_message_text(Dependencies deps);
// POST /crm/v1/chats/:provider_code/:chat_id/read
http::HandlerFor<CrmCall> read_chat(Dependencies deps);
// GET /crm/v1/notifications
http::HandlerFor<CrmCall> list_notifications(Dependencies deps);

}  // namespace switchboard::api::routes::crm
