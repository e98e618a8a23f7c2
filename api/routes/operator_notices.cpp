#include "api/routes/operator_notices.hpp"

#include <pqxx/pqxx>

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

// The notice a publish or correct body describes, under `notice_id`.
pp::PublishNotice notice_from(const http::Request& request, const std::string& notice_id) {
  const auto body = domain::parse(request.body);
  return {notice_id,
          localized(body, "title"),
          localized(body, "body"),
          domain::text(body, "api_version"),
          domain::text(body, "effective_date"),
          domain::texts(body, "providers"),
          domain::texts(body, "endpoints")};
}

http::Response no_such_notice(const std::string& notice_id) {
  return http::problem(404, "not found", "no notice " + notice_id,
                       {{"notice_id", "no such notice"}});
}

http::HandlerFor<auth::Principal> publish(NoticeDependencies deps) {
  return [deps](const http::Request& request, const auth::Principal& caller) {
    const auto context = command_context(request, caller);
    // A retry with the same Idempotency-Key must answer with the same notice id.
    const auto notice_id =
        context.idempotency_key
            ? commands::name_uuid(caller.subject + "|" + *context.idempotency_key)
            : commands::new_uuid();
    const auto command = notice_from(request, notice_id);
    const auto outcome =
        deps.platform.on_notice_text(notice_id, command, context, canonical_command(request));
    return respond(outcome, http::json(201, domain::json_object([&](domain::JsonWriter& w) {
                                         write_notice(w, command);
                                       })),
                   body_fields(request));
  };
}

http::HandlerFor<auth::Principal> correct(NoticeDependencies deps) {
  return [deps](const http::Request& request, const auth::Principal& caller) {
    const auto& notice_id = request.params.at("notice_id");
    if (auto malformed = malformed_notice_id(notice_id)) return *malformed;
    const pp::CorrectNotice command{notice_from(request, notice_id)};
    const auto outcome = deps.platform.on_notice_text(
        notice_id, command, command_context(request, caller), canonical_command(request));
    return respond(outcome, http::json(200, domain::json_object([&](domain::JsonWriter& w) {
                                         write_notice(w, command);
                                       })),
                   body_fields(request));
  };
}

http::HandlerFor<auth::Principal> list(NoticeDependencies deps) {
  return [deps](const http::Request& request, const auth::Principal&) {
    const auto page = page_request(request);
    if (const auto* refused = std::get_if<http::Response>(&page)) return *refused;
    const auto body = deps.read_models.with_connection([&](pqxx::connection& c) {
      pqxx::read_transaction tx(c);
      return operator_notices_page_json(tx, std::get<PageRequest>(page));
    });
    if (!body) return bad_cursor();
    return http::json(200, *body);
  };
}

http::HandlerFor<auth::Principal> get(NoticeDependencies deps) {
  return [deps](const http::Request& request, const auth::Principal&) {
    const auto& notice_id = request.params.at("notice_id");
    if (auto malformed = malformed_notice_id(notice_id)) return *malformed;
    const auto body = deps.read_models.with_connection([&](pqxx::connection& c) {
      pqxx::read_transaction tx(c);
      return operator_notice_json(tx, notice_id);
    });
    if (!body) return no_such_notice(notice_id);
    return http::json(200, *body);
  };
}

http::HandlerFor<auth::Principal> withdraw(NoticeDependencies deps) {
  return [deps](const http::Request& request, const auth::Principal& caller) {
    const auto& notice_id = request.params.at("notice_id");
    if (auto malformed = malformed_notice_id(notice_id)) return *malformed;
    const pp::WithdrawNotice command{domain::text(domain::parse(request.body), "reason")};
    const auto outcome = deps.platform.on_notice(
        notice_id, command, command_context(request, caller), canonical_command(request));
    return respond(outcome, http::json(200, domain::json_object([&](domain::JsonWriter& w) {
                                         domain::put(w, "notice_id", notice_id);
                                         domain::put(w, "withdrawn", true);
                                         domain::put(w, "withdrawal_reason", command.reason);
                                       })));
  };
}

}  // namespace

void add_notice_routes(http::Router& router, const std::string& prefix,
                       const http::Credential<auth::Principal>& caller, NoticeDependencies deps) {
  using http::Method;
  router.add(Method::post, prefix, caller, publish(deps), {.body_schema = "provider_notice"});
  router.add(Method::get, prefix, caller, list(deps));
  router.add(Method::get, prefix + "/:notice_id", caller, get(deps));
  router.add(Method::put, prefix + "/:notice_id", caller, correct(deps),
             {.body_schema = "provider_notice"});
  router.add(Method::post, prefix + "/:notice_id/withdrawal", caller, withdraw(deps),
             {.body_schema = "notice_withdrawal"});
}

}  // namespace switchboard::api::routes
