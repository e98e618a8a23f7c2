#include "projections/access/access_tokens_projection.hpp"

#include <pqxx/pqxx>

#include "domain/json.hpp"
#include "projections/dispatch.hpp"

namespace switchboard::projections::access {
namespace {

using Handler = void (*)(pqxx::transaction_base&, const std::string& token_id,
                         const eventstore::RecordedEvent&);

void token_issued(pqxx::transaction_base& tx, const std::string& token_id,
                  const eventstore::RecordedEvent& e) {
  const auto d = domain::parse(e.data);
  tx.exec_params(
      "INSERT INTO access_tokens (token_sha256, token_id, kind, subject, role, label, active,"
      " issued_at) VALUES ($1, $2::uuid, $3, $4, $5, $6, true, $7::timestamptz)",
      domain::text(d, "sha256"), token_id, domain::text(d, "kind"), domain::text(d, "subject"),
      domain::text(d, "role"), domain::text(d, "label"), e.recorded_at);
}

void token_revoked(pqxx::transaction_base& tx, const std::string& token_id,
                   const eventstore::RecordedEvent& e) {
  tx.exec_params(
      "WITH r AS (UPDATE access_tokens SET active = false, revoked_at = $2::timestamptz"
      "   WHERE token_id = $1::uuid RETURNING token_sha256)"
      " SELECT pg_notify($3, token_sha256) FROM r",
      token_id, e.recorded_at, std::string{AccessTokensProjection::revoked_channel});
}

constexpr On<Handler> kHandlers[] = {
    {"TokenIssued", token_issued},
    {"TokenRevoked", token_revoked},
};

}  // namespace

eventstore::EventFilter AccessTokensProjection::filter() const {
  return filter_of(kHandlers);
}

void AccessTokensProjection::apply(pqxx::transaction_base& tx,
                                   std::span<const eventstore::RecordedEvent> events) {
  for (const auto& e : events) {
    if (!e.stream_id.starts_with("token-")) continue;
    if (const auto* handler = handler_for(kHandlers, e.type))
      (*handler)(tx, e.stream_id.substr(6), e);
  }
}

}  // namespace switchboard::projections::access
