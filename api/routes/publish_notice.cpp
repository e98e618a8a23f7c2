#include "api/routes/publish_notice.hpp"

#include "api/routes/command_response.hpp"
#include "api/routes/notice_views.hpp"
#include "domain/json.hpp"

namespace switchboard::api::routes {
namespace {

namespace pp = domain::provider_platform;

pp::LocalizedText localized(const rapidjson::Value& body, const char* key) {
  const auto it = body.FindMember(key);
  if (it == body.MemberEnd()) return {};
  return {domain::text(it->value, "ru"), domain::text(it->value, "en")};
}

}  // namespace

http::HandlerFor<auth::Principal> publish_notice(
    commands::provider_platform::PlatformCommands& platform) {
  return [&platform](const http::Request& request, const auth::Principal& caller) {
    const auto body = domain::parse(request.body);
    const auto context = command_context(request, caller);
    // A retry with the same Idempotency-Key must answer with the same notice id.
    const auto notice_id =
        context.idempotency_key
            ? commands::name_uuid(caller.subject + "|" + *context.idempotency_key)
            : commands::new_uuid();
    const pp::PublishNotice command{notice_id,
                                    localized(body, "title"),
                                    localized(body, "body"),
                                    domain::text(body, "api_version"),
                                    domain::text(body, "effective_date"),
                                    domain::texts(body, "providers"),
                                    domain::texts(body, "endpoints")};
    const auto outcome =
        platform.on_notice(notice_id, command, context, canonical_command(request));
    return respond(outcome, http::json(201, domain::json_object([&](domain::JsonWriter& w) {
                                         write_notice(w, command);
                                       })),
                   body_fields(request));
  };
}

}  // namespace switchboard::api::routes
