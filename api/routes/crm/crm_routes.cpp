#include "api/routes/crm/crm_call.hpp"

namespace switchboard::api::routes::crm {

void register_routes(http::Router& router, Dependencies deps) {
  using http::Method;
  const auto user = crm_caller(deps);
  router.add(Method::post, "/crm/v1/connections", user, activate_client_token(deps),
             {.body_schema = "client_token_activation"});
  router.add(Method::get, "/crm/v1/connections", user, list_connections(deps));
  router.add(Method::del, "/crm/v1/connections/:provider_code", user,
             deactivate_client_token(deps));
  router.add(Method::get, "/crm/v1/chats", user, list_chats(deps));
  router.add(Method::get, "/crm/v1/chats/:provider_code/:chat_id/messages", user,
             list_messages(deps));
  router.add(Method::post, "/crm/v1/chats/:provider_code/:chat_id/messages", user,
             send_message(deps), {.body_schema = "crm_message"});
  router.add(Method::put, "/crm/v1/chats/:provider_code/:chat_id/messages/:message_id/text", user,
             edit_message_text(deps), {.body_schema = "message_text"});
  router.add(Method::post, "/crm/v1/chats/:provider_code/:chat_id/read", user, read_chat(deps));
  router.add(Method::get, "/crm/v1/notifications", user, list_notifications(deps));
}

}  // namespace switchboard::api::routes::crm
