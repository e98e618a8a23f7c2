#include "api/routes/public_api/public_call.hpp"

namespace switchboard::api::routes::public_api {

void register_routes(http::Router& router, Dependencies deps, http::ErrorObserver on_error) {
  using http::Method;
  const auto client = client_caller(deps);
  // Bulk and history requests share these, however many requests arrive at once: a round's
  // status items wait here for their own group commits, beside the round's messages, which wait
  // for theirs together. As wide as the HTTP server's default, since a commit batches what is in
  // flight.
  const auto lanes = std::make_shared<concurrency::WorkPool>(256);
  const auto with = [&](std::string schema, std::size_t max_body = 1 << 20) {
    return http::RouteOptions{std::move(schema), max_body, on_error};
  };
  router.add(Method::post, "/public/v1/channels", client, connect_channel(deps),
             with("public_channel"));
  router.add(Method::del, "/public/v1/channels/:account_id", client, disconnect_channel(deps),
             with({}));
  router.add(Method::post, "/public/v1/messages", client, receive_message(deps),
             with("public_message"));
  // 5,000 items of a few hundred bytes each.
  router.add(Method::post, "/public/v1/bulk", client, bulk(deps, lanes),
             with("public_bulk", 16 << 20));
  router.add(Method::post, "/public/v1/history", client, import_history(deps, lanes),
             with("public_history", 16 << 20));
  router.add(Method::put, "/public/v1/chats/:chat_id/messages/:message_id/text", client,
             update_message_text(deps), with("message_text"));
  router.add(Method::put, "/public/v1/chats/:chat_id/messages/:message_id/status", client,
             update_message_status(deps), with("public_message_status"));
  router.add(Method::post, "/public/v1/chats/:chat_id/read", client, read_chat(deps), with({}));
  router.add(Method::patch, "/public/v1/chats/:chat_id", client, edit_chat(deps),
             with("public_chat_edit"));
}

}  // namespace switchboard::api::routes::public_api
