#pragma once

#include "projections/projection.hpp"

namespace switchboard::projections::access {

// Bearer tokens by hash, active or revoked: what request authentication reads. A revocation
// notifies channel `access_tokens_revoked` with the token's hash, so nodes that keep verdicts in
// memory forget it when the revocation commits.
class AccessTokensProjection final : public Projection {
 public:
  static constexpr const char* revoked_channel = "access_tokens_revoked";

  std::string name() const override { return "access_tokens"; }
  std::vector<std::string> tables() const override { return {"access_tokens"}; }
  eventstore::EventFilter filter() const override;
  void apply(pqxx::transaction_base& tx,
             std::span<const eventstore::RecordedEvent> events) override;
};

}  // namespace switchboard::projections::access
