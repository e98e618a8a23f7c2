#pragma once

// The public API for providers (a client token: one tenant x one provider, never more):
// channels, inbound messages (one, in bulk, or history), message texts and statuses, chat reads
// and edits (seed 001, "public API"). Every error answer is recorded in the error log.

#include <memory>
#include <string>

#include "api/auth/authenticator.hpp"
#include "api/concurrency/work_pool.hpp"
#include "api/http/router.hpp"
#include "commands/messaging/messaging_commands.hpp"

namespace switchboard::api::routes::public_api {

struct Dependencies {
  const auth::Authenticator& auth;
  commands::messaging::MessagingCommands& messaging;
};

// `on_error` receives every error answer (api/errors/error_log.hpp).
void register_routes(http::Router& router, Dependencies deps, http::ErrorObserver on_error);

// Who calls a public route (client_caller in public_call.hpp), as the handlers get it.
struct PublicCall {
  auth::Principal principal;  // tenant and provider set
  std::string chat_id;        // from the path, on routes with one
};

// POST /public/v1/channels
http::HandlerFor<PublicCall> connect_channel(Dependencies deps);
// DELETE /public/v1/channels/:account_id
http::HandlerFor<PublicCall> disconnect_channel(Dependencies deps);
// POST /public/v1/messages
http::HandlerFor<PublicCall> receive_message(Dependencies deps);
// POST /public/v1/bulk; items run on `pool`'s threads.
http::HandlerFor<PublicCall> bulk(Dependencies deps, std::shared_ptr<concurrency::WorkPool> pool);
// POST /public/v1/history; items run on `pool`'s threads.
http::HandlerFor<PublicCall> import_history(Dependencies deps,
                                            std::shared_ptr<concurrency::WorkPool> pool);
// PUT /public/v1/chats/:chat_id/messages/:message_id/text
http::HandlerFor<PublicCall> update_message_text(Dependencies deps);
// PUT /public/v1/chats/:chat_id/messages/:message_id/status
http::HandlerFor<PublicCall> update_message_status(Dependencies deps);
// POST /public/v1/chats/:chat_id/read
http::HandlerFor<PublicCall> read_chat(Dependencies deps);
// PATCH /public/v1/chats/:chat_id
http::HandlerFor<PublicCall> edit_chat(Dependencies deps);

}  // namespace switchboard::api::routes::public_api
