#include "api/routes/command_response.hpp"
#include "api/routes/developer/developer.hpp"
#include "api/routes/notice_views.hpp"
#include "domain/json.hpp"

namespace switchboard::api::routes::developer {

http::HandlerFor<OwnProvider> acknowledge_notice(Dependencies deps) {
  return [deps](const http::Request& request, const OwnProvider& owner) {
    const auto& notice_id = request.params.at("notice_id");
    if (auto malformed = malformed_notice_id(notice_id)) return *malformed;
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
