#include <pqxx/pqxx>

#include "api/routes/developer/developer.hpp"
#include "api/routes/notice_views.hpp"

namespace switchboard::api::routes::developer {

http::HandlerFor<OwnProvider> list_notices(Dependencies deps) {
  return [deps](const http::Request& request, const OwnProvider& owner) {
    const auto page = page_request(request);
    if (const auto* refused = std::get_if<http::Response>(&page)) return *refused;
    const auto unread = request.query_param("unread");
    if (unread && *unread != "true" && *unread != "false") {
      return http::problem(400, "invalid request", "bad query parameter",
                           {{"unread", "must be true or false"}});
    }
    const auto body = deps.read_models.with_connection([&](pqxx::connection& c) {
      pqxx::read_transaction tx(c);
      return notices_page_json(tx, request.params.at("code"), owner.principal.subject,
                               unread && *unread == "true", std::get<PageRequest>(page));
    });
    if (!body) return bad_cursor();
    return http::json(200, *body);
  };
}

}  // namespace switchboard::api::routes::developer
