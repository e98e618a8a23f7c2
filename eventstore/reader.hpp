#pragma once

#include <string>
#include <vector>

#include "eventstore/types.hpp"

namespace pqxx {
class transaction_base;
}

namespace switchboard::eventstore {

// Reads inside a caller's transaction (projection rebuilds, audits). EventStore uses the same.

std::vector<RecordedEvent> read_all(pqxx::transaction_base& tx, const Position& after,
                                    std::size_t max_count,
                                    const std::vector<std::string>& types = {});

std::vector<RecordedEvent> read_stream(pqxx::transaction_base& tx, const std::string& stream_id,
                                       std::int64_t from_version, std::size_t max_count);

Position head(pqxx::transaction_base& tx);

}  // namespace switchboard::eventstore
