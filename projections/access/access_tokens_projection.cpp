#include "projections/access/access_tokens_projection.hpp"

#include <pqxx/pqxx>

#include "domain/json.hpp"

namespace switchboard::projections::access {

void AccessTokensProjection::apply(pqxx::transaction_base& tx,
                                   std::span<const eventstore::RecordedEvent> events) {
  for (const auto& e : events) {
    if (!e.stream_id.starts_with("token-")) continue;
    const auto token_id = e.stream_id.substr(6);
    if (e.type == "TokenIssued") {
      const auto d = domain::parse(e.data);
      tx.exec_params(
          "INSERT INTO access_tokens (token_sha256, token_id, kind, subject, role, label, active,"
          " issued_at) VALUES ($1, $2::uuid, $3, $4, $5, $6, true, $7::timestamptz)",
          domain::text(d, "sha256"), token_id, domain::text(d, "kind"), domain::text(d, "subject"),
          domain::text(d, "role"), domain::text(d, "label"), e.recorded_at);
    } else if (e.type == "TokenRevoked") {
      tx.exec_params(
          "WITH r AS (UPDATE access_tokens SET active = false, revoked_at = $2::timestamptz"
          "   WHERE token_id = $1::uuid RETURNING token_sha256)"
          " SELECT pg_notify($3, token_sha256) FROM r",
          token_id, e.recorded_at, std::string{revoked_channel});
    }
  }
}

}  // namespace switchboard::projections::access
