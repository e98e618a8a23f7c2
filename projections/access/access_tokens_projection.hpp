#pragma once

#include "projections/projection.hpp"

namespace switchboard::projections::access {

// Bearer tokens by hash, active or revoked: what request authentication reads.
class AccessTokensProjection final : public Projection {
 public:
  std::string name() const override { return "access_tokens"; }
  std::vector<std::string> tables() const override { return {"access_tokens"}; }
  void apply(pqxx::transaction_base& tx,
             std::span<const eventstore::RecordedEvent> events) override;
};

}  // namespace switchboard::projections::access
