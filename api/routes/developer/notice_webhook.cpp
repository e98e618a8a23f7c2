#include <pqxx/pqxx>

#include "api/routes/command_response.hpp"
#include "api/routes/developer/developer.hpp"
#include "api/routes/read_your_writes.hpp"
#include "api/routes/sql_views.hpp"
#include "domain/json.hpp"
#include "projections/provider_platform/notices_projection.hpp"

namespace switchboard::api::routes::developer {
namespace {

namespace pp = domain::provider_platform;

// The developer's next request (a GET, a notice changing) sees what this one did.
void settle(const Dependencies& deps, const commands::CommandOutcome& outcome) {
  if (outcome.ok()) {
    wait_for_projection(deps.read_models, projections::provider_platform::kNoticesProjectionName,
                        outcome.last_position);
  }
}

http::Response none_registered() {
  return http::problem(404, "not found", "no notice webhook is registered",
                       {{"url", "no notice webhook is registered"}});
}

}  // namespace

http::HandlerFor<auth::Principal> register_notice_webhook(Dependencies deps) {
  return [deps](const http::Request& request, const auth::Principal& principal) {
    // Shown once, here; the log and the read model hold it sealed.
    const auto secret = commands::access::random_secret("sbw_");
    const pp::RegisterNoticeWebhook command{principal.subject,
                                            domain::text(domain::parse(request.body), "url"),
                                            crypto::seal(secret, deps.secret_key)};
    // No Idempotency-Key: a retry answered from the key would show a secret never stored (each
    // registration makes a new one). A repeated registration simply replaces the first.
    auto context = command_context(request, principal);
    context.idempotency_key.reset();
    const auto outcome =
        deps.platform.on_notice_webhook(command, context, canonical_command(request));
    settle(deps, outcome);
    const bool replaced = outcome.ok() && !outcome.events.empty() &&
                          domain::flag(domain::parse(outcome.events.front().data), "replaced");
    return respond(outcome,
                   http::json(replaced ? 200 : 201, domain::json_object([&](domain::JsonWriter& w) {
                                domain::put(w, "url", command.url);
                                domain::put(w, "secret", secret);
                                domain::put(w, "replaced", replaced);
                              })),
                   body_fields(request));
  };
}

http::HandlerFor<auth::Principal> get_notice_webhook(Dependencies deps) {
  return [deps](const http::Request&, const auth::Principal& principal) {
    const auto rows = deps.read_models.with_connection([&](pqxx::connection& c) {
      pqxx::read_transaction tx(c);
      return tx.exec_params("SELECT url, " + iso_time("registered_at") +
                                " FROM notice_webhooks WHERE developer_id = $1",
                            principal.subject);
    });
    if (rows.empty()) return none_registered();
    return http::json(200, domain::json_object([&](domain::JsonWriter& w) {
                        domain::put(w, "url", rows[0][0].c_str());
                        domain::put(w, "registered_at", rows[0][1].c_str());
                      }));
  };
}

http::HandlerFor<auth::Principal> remove_notice_webhook(Dependencies deps) {
  return [deps](const http::Request& request, const auth::Principal& principal) {
    const pp::RemoveNoticeWebhook command{principal.subject};
    const auto outcome = deps.platform.on_notice_webhook(
        command, command_context(request, principal), canonical_command(request));
    settle(deps, outcome);
    if (outcome.status == commands::CommandOutcome::Status::rejected) return none_registered();
    return respond(outcome, {.status = 204, .content_type = {}, .body = {}, .headers = {}});
  };
}

}  // namespace switchboard::api::routes::developer
