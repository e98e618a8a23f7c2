#include <algorithm>

#include "api/routes/command_response.hpp"
#include "api/routes/developer/developer.hpp"
#include "domain/json.hpp"

namespace switchboard::api::routes::developer {
namespace {

// Notice ids are UUIDs the server handed out; anything else is not one.
bool notice_id_shape(std::string_view id) {
  return id.size() == 36 && std::ranges::all_of(id, [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-';
         });
}

}  // namespace

http::HandlerFor<OwnProvider> acknowledge_notice(Dependencies deps) {
  return [deps](const http::Request& request, const OwnProvider& owner) {
    const auto& notice_id = request.params.at("notice_id");
    if (!notice_id_shape(notice_id)) {
      return http::problem(400, "invalid request", "malformed notice id",
                           {{"notice_id", "must be a notice id from the notice list"}});
    }
    const domain::provider_platform::AcknowledgeNotice command{owner.principal.subject,
                                                               request.params.at("code")};
    const auto outcome = deps.platform.on_notice(
        notice_id, command, command_context(request, owner.principal), canonical_command(request));
    return respond(outcome, http::json(200, domain::json_object([&](domain::JsonWriter& w) {
                                         domain::put(w, "notice_id", notice_id);
                                         domain::put(w, "provider_code", command.provider_code);
                                         domain::put(w, "developer_id", command.developer_id);
                                         domain::put(w, "read", true);
                                       })));
  };
}

}  // namespace switchboard::api::routes::developer
