#include "api/delivery/targets.hpp"

#include <fmt/format.h>

#include <functional>
#include <limits>
#include <optional>
#include <pqxx/pqxx>

#include "domain/json.hpp"
#include "domain/messaging/connection.hpp"
#include "eventstore/connection_pool.hpp"
#include "eventstore/reader.hpp"

namespace switchboard::api::delivery {
namespace {

// Jobs that name the token they are for (the rest go with the connection's current token).
bool names_token(const Job& job) {
  return deactivation_notice(job.kind) || job.kind == kinds::sync_accounts ||
         job.kind == kinds::set_webhook;
}

// The newest event of `type` in the job's connection stream that `wanted` takes: the read model
// keeps only the connection's present, the log its past (the tokens it had, when it was
// inactive), and what is asked about is near the stream's end, so it is read from there.
std::optional<eventstore::RecordedEvent> newest_connection_event(
    pqxx::transaction_base& tx, const Job& job, const std::string& type,
    const std::function<bool(const eventstore::RecordedEvent&)>& wanted) {
  namespace dm = domain::messaging;
  const auto stream = std::string(dm::Connection::category) + "-" +
                      dm::Connection::id(job.tenant_id, job.provider_code);
  constexpr std::size_t page = 16;
  for (auto before = std::numeric_limits<std::int64_t>::max();;) {
    const auto events = eventstore::read_stream_backward(tx, stream, {type}, before, page);
    for (const auto& e : events) {
      if (wanted(e)) return e;
    }
    if (events.size() < page) return std::nullopt;
    before = events.back().stream_version;
  }
}

// The sealed token of the activation of `token_sha256` ("" when there is none).
std::string sealed_in_log(pqxx::transaction_base& tx, const Job& job,
                          const std::string& token_sha256) {
  const auto activation = newest_connection_event(
      tx, job, "ClientTokenActivated", [&](const eventstore::RecordedEvent& e) {
        return domain::text(domain::parse(e.data), "token_sha256") == token_sha256;
      });
  return activation ? domain::text(domain::parse(activation->data), "token_sealed") : "";
}

// Whether the connection was deactivated at or after the job was made. The newest deactivation
// tells: the ones before it are older still.
bool deactivated_since(pqxx::transaction_base& tx, const Job& job) {
  const auto deactivation = newest_connection_event(
      tx, job, "ClientTokenDeactivated", [](const eventstore::RecordedEvent&) { return true; });
  if (!deactivation) return false;
  const auto at = parse_timestamp(deactivation->recorded_at);
  return !at || *at >= job.created;
}

}  // namespace

EndpointOf endpoint_of(std::string_view kind) {
  for (const auto& call : kEndpointCalls) {
    if (call.kind == kind) return {call.endpoint, call.method};
  }
  return {"", ""};
}

Gate gate(const Job& job, const ConnectionView& c, bool bound, std::string& why) {
  if (replaced_token_notice(job)) return Gate::call;
  const auto job_token = job.field("token_sha256");
  const bool notice = deactivation_notice(job.kind);
  // What the tenant's users asked for is not just forgotten when the connection goes: they are
  // told. The connection's own jobs (sync_accounts, set_webhook) are simply obsolete.
  const auto gone = names_token(job) ? Gate::drop : Gate::give_up;
  if (names_token(job)) {
    // These jobs name their token: the row must be that token's connection.
    if (!c.exists) {
      why = "the connection is not in the read model yet";
      return Gate::wait;
    }
    if (c.token_sha256 != job_token) {
      if (c.updated_since_job) {
        why = "the connection has had another token since";
        return Gate::drop;
      }
      why = "the read model has not seen the token yet";
      return Gate::wait;
    }
    if (notice) return Gate::call;
  } else {
    if (!c.exists) {
      why = "the connection is not in the read model yet";
      return Gate::wait;
    }
    // A token replaced on an active connection changes only how it is called: its chats' work
    // goes on with the new token. After a deactivation the work was the old connection's.
    if (c.active && !c.activated_before_job && c.deactivated_since_job) {
      why = "the connection was deactivated and activated again after the job";
      return Gate::give_up;
    }
  }
  if (!c.active) {
    // Work is only queued for an active connection: an inactive row older than the job is the
    // read model lagging behind a reactivation.
    if (!c.updated_since_job) {
      why = "the read model has not seen the connection active yet";
      return Gate::wait;
    }
    why = "the connection was deactivated";
    return gone;
  }
  if (!bound) {
    why = "the app is no longer installed for the tenant";
    return gone;
  }
  return Gate::call;
}

Target TargetResolver::resolve(const Job& job, std::string_view endpoint) {
  return job.traits.recipient == Recipient::developer ? notice_webhook(job)
                                                      : connection_endpoint(job, endpoint);
}

Target TargetResolver::connection_endpoint(const Job& job, std::string_view endpoint) {
  const auto rows = pool_.with_connection([&](pqxx::connection& connection) {
    pqxx::read_transaction tx(connection);
    return tx.exec_params(
        "SELECT c.tenant_id IS NOT NULL, coalesce(c.active, false), coalesce(c.token_sha256, ''),"
        " coalesce(c.token_sealed, ''), coalesce(c.activated_at <= $3::timestamptz, false),"
        " coalesce(c.updated_at >= $3::timestamptz, false), b.app_id IS NOT NULL,"
        " coalesce(b.active, false), coalesce(p.endpoints ->> $4, ''),"
        " coalesce(p.endpoints ->> 'message_history', '')"
        " FROM (SELECT 1) AS one"
        " LEFT JOIN messaging_connections c ON c.tenant_id = $1 AND c.provider_code = $2"
        // After a removal the binding is inactive, yet the deactivation notice still goes to the
        // configuration the tenant was last bound to.
        " LEFT JOIN LATERAL (SELECT app_id, configuration_version, active FROM tenant_bindings"
        "   WHERE tenant_id = $1 AND provider_code = $2"
        "   ORDER BY active DESC, updated_at DESC LIMIT 1) b ON true"
        " LEFT JOIN provider_configurations p"
        "   ON p.app_id = b.app_id AND p.version = b.configuration_version",
        job.tenant_id, job.provider_code, job.created_at, std::string(endpoint));
  });
  const auto row = rows[0];
  ConnectionView c{row[0].as<bool>(), row[1].as<bool>(), row[2].as<std::string>(),
                   row[4].as<bool>(), row[5].as<bool>()};
  if (c.active && !c.activated_before_job && !names_token(job)) {
    // Rare (only work queued before the latest activation): the read model cannot tell a
    // replaced token from a reactivation, the log can.
    c.deactivated_since_job = pool_.with_connection([&](pqxx::connection& connection) {
      pqxx::read_transaction tx(connection);
      return deactivated_since(tx, job);
    });
  }
  Target t;
  if (!row[6].as<bool>()) {
    t.why = "no binding of the tenant to the provider in the read model yet";
    return t;
  }
  t.gate = gate(job, c, row[7].as<bool>(), t.why);
  if (t.gate != Gate::call) return t;
  t.url = row[8].as<std::string>();
  t.history_url = row[9].as<std::string>();
  if (t.url.empty()) {
    // Normal for the optional endpoints (set_webhook, remove_webhook): the provider has none.
    t.gate = Gate::drop;
    t.why = "the bound configuration declares no " + std::string(endpoint) + " endpoint";
    return t;
  }
  auto sealed = row[3].as<std::string>();
  if (replaced_token_notice(job)) {
    sealed = pool_.with_connection([&](pqxx::connection& connection) {
      pqxx::read_transaction tx(connection);
      return sealed_in_log(tx, job, job.field("token_sha256"));
    });
    if (sealed.empty()) {
      t.gate = Gate::drop;
      t.why = "the connection's stream has no activation of the replaced token";
      return t;
    }
  }
  unseal(t, sealed, "client token");
  return t;
}

Target TargetResolver::notice_webhook(const Job& job) {
  const auto rows = pool_.with_connection([&](pqxx::connection& connection) {
    pqxx::read_transaction tx(connection);
    return tx.exec_params("SELECT url, secret_sealed FROM notice_webhooks WHERE developer_id = $1",
                          job.field("developer_id"));
  });
  Target t;
  if (rows.empty()) {
    t.gate = Gate::give_up;
    t.why = "the developer removed the notice webhook";
    return t;
  }
  t.gate = Gate::call;
  t.url = rows[0][0].as<std::string>();
  unseal(t, rows[0][1].as<std::string>(), "notice webhook secret");
  return t;
}

void TargetResolver::unseal(Target& t, const std::string& sealed, std::string_view what) const {
  auto secret = crypto::open(sealed, key_);
  if (!secret) {
    // Wrong messaging.secret_key or a damaged row: nothing can be sent until an operator acts,
    // and the job expires (a message's author is told) if that takes too long.
    t.gate = Gate::wait;
    t.why = fmt::format(
        "the {} cannot be unsealed (is messaging.secret_key the one it was sealed with?)", what);
    return;
  }
  t.token = std::move(*secret);
}

}  // namespace switchboard::api::delivery
