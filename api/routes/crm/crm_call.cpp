#include "api/routes/crm/crm_call.hpp"

#include <pqxx/pqxx>

#include "api/routes/message_input.hpp"
#include "api/routes/messaging_views.hpp"
#include "api/routes/read_your_writes.hpp"
#include "domain/json.hpp"
#include "domain/messaging/channel_codes.hpp"
#include "domain/messaging/connection.hpp"
#include "domain/provider_platform/app.hpp"
#include "eventstore/reader.hpp"

namespace switchboard::api::routes::crm {

namespace {

std::variant<CrmCall, http::Response> crm_call(const http::Request& request,
                                               auth::Principal principal) {
  CrmCall call{std::move(principal), {}, {}};
  if (const auto it = request.params.find("provider_code"); it != request.params.end()) {
    if (!domain::provider_platform::valid_system_name(it->second)) {
      return http::problem(400, "invalid request", "bad path parameter",
                           {{"provider_code", "a provider code: a-z, 0-9, '_' and '-', 2 to 64"}});
    }
    call.provider_code = it->second;
  }
  auto chat_id = chat_id_param(request);
  if (auto* refused = std::get_if<http::Response>(&chat_id)) return std::move(*refused);
  call.chat_id = std::get<std::string>(std::move(chat_id));
  return call;
}

SyncView sync_view(const domain::messaging::AccountSync& sync) {
  using Status = domain::messaging::AccountSync::Status;
  SyncView view{std::string(domain::messaging::status_name(sync.status))};
  if (sync.counts) {
    view.accounts = sync.counts->accounts;
    view.chats = sync.counts->chats;
  }
  if (sync.status == Status::failed) {
    view.reason = sync.reason;
    view.detail = sync.detail;
  }
  return view;
}

// Provider, app, state, sync and accounts.
std::string connection_json(const std::string& provider_code,
                            const domain::messaging::Connection::State& state) {
  return domain::json_object([&](domain::JsonWriter& w) {
    domain::put(w, "provider_code", provider_code);
    domain::put(w, "app_id", state.app_id);
    domain::put(w, "state", state.active ? "active" : "inactive");
    write_sync(w, sync_view(state.sync));
    w.Key("accounts");
    w.StartArray();
    for (const auto& [account_id, account] : state.accounts) {
      w.StartObject();
      domain::put(w, "account_id", account_id);
      domain::put(w, "channel_code", account.channel_code);
      domain::put(w, "icon", domain::messaging::channel_icon(account.channel_code));
      domain::put(w, "name", account.name);
      domain::put(w, "main", account.main);
      domain::put(w, "active", account.active);
      w.EndObject();
    }
    w.EndArray();
  });
}

// The connection as its stream stood at `version`: the aggregate now may be further on (the
// delivery worker records the account sync an activation starts as soon as the provider answers),
// and an answer says what its command did, a retry included.
domain::messaging::Connection::State connection_at(const Dependencies& deps,
                                                   const std::string& tenant_id,
                                                   const std::string& provider_code,
                                                   std::int64_t version) {
  namespace dm = domain::messaging;
  const auto stream =
      commands::Pipeline<dm::Connection>::stream_id(dm::Connection::id(tenant_id, provider_code));
  const auto events = deps.read_models.with_connection([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    return eventstore::read_stream(tx, stream, 1, static_cast<std::size_t>(version));
  });
  dm::Connection::State state;
  for (const auto& e : events) dm::Connection::apply(state, e.type, e.data);
  return state;
}

// The client token a recorded connection command retired (deactivated, or replaced by a new
// one) is refused on this node from now on, not when the projection's notification comes back,
// even when the projection has not applied the command by the time the route answers.
void forget_retired_token(const Dependencies& deps, const commands::CommandOutcome& outcome) {
  for (const auto& e : outcome.events) {
    if (const auto retired = domain::messaging::retired_token_sha256(e.type, domain::parse(e.data)))
      deps.auth.forget(*retired, outcome.last_position);
  }
}

}  // namespace

http::Credential<CrmCall> crm_caller(const Dependencies& deps) {
  return http::refined(deps.auth.user_token(), crm_call);
}

http::Response connection_answer(const Dependencies& deps, const commands::CommandOutcome& outcome,
                                 int status, const std::string& tenant_id,
                                 const std::string& provider_code, const FieldNames& names) {
  if (!outcome.ok()) return respond(outcome, {}, names);
  wait_for_projection(deps.read_models, "messaging", outcome.last_position);
  forget_retired_token(deps, outcome);
  const auto state = connection_at(deps, tenant_id, provider_code, outcome.stream_version);
  return http::json(status, connection_json(provider_code, state));
}

}  // namespace switchboard::api::routes::crm
