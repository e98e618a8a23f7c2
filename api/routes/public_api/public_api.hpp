#pragma once

// The public API for providers (a client token: one tenant x one provider, never more):
// channels, inbound messages (one, in bulk, or history), message texts and statuses, chat reads
// and edits (seed 001, "public API"). Every error answer is recorded in the error log.

#include "api/auth/authenticator.hpp"
#include "api/http/router.hpp"
#include "commands/messaging/messaging_commands.hpp"

namespace switchboard::api::routes::public_api {

struct Dependencies {
  const auth::Authenticator& auth;
  commands::messaging::MessagingCommands& messaging;
};

// `on_error` receives every error answer (api/errors/error_log.hpp).
void register_routes(http::Router& router, Dependencies deps, http::ErrorObserver on_error);

// POST /public/v1/channels
http::Handler connect_channel(Dependencies deps);
// DELETE /public/v1/channels/:account_id
http::Handler disconnect_channel(Dependencies deps);
// POST /public/v1/messages
http::Handler receive_message(Dependencies deps);
// POST /public/v1/bulk
http::Handler bulk(Dependencies deps);
// POST /public/v1/history
http::Handler import_history(Dependencies deps);
// PUT /public/v1/chats/:chat_id/messages/:message_id/text
http::Handler update_message_text(Dependencies deps);
// PUT /public/v1/chats/:chat_id/messages/:message_id/status
http::Handler update_message_status(Dependencies deps);
// POST /public/v1/chats/:chat_id/read
http::Handler read_chat(Dependencies deps);
// PATCH /public/v1/chats/:chat_id
http::Handler edit_chat(Dependencies deps);

}  // namespace switchboard::api::routes::public_api
