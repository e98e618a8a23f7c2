#pragma once

#include <string>
#include <vector>

#include "eventstore/types.hpp"

namespace pqxx {
class transaction_base;
}

namespace switchboard::eventstore {

// Reads inside a caller's transaction (projection rebuilds, audits). EventStore uses the same.

// One page of the global log: the next `max_count` events after `after`, of which the caller gets
// those the filter wants. `reached` is the last event looked at, wanted or not, so a reader
// resumes after it.
LogPage read_page(pqxx::transaction_base& tx, const Position& after, std::size_t max_count,
                  const EventFilter& filter);

std::vector<RecordedEvent> read_all(pqxx::transaction_base& tx, const Position& after,
                                    std::size_t max_count);

std::vector<RecordedEvent> read_stream(pqxx::transaction_base& tx, const std::string& stream_id,
                                       std::int64_t from_version, std::size_t max_count);

// The events of several streams, each after its own version (`after[i]` for `stream_ids[i]`),
// stream by stream in the order given, each in version order: at most `max_count` in all, so the
// last stream may be cut short when that many come back.
std::vector<RecordedEvent> read_streams(pqxx::transaction_base& tx,
                                        const std::vector<std::string>& stream_ids,
                                        const std::vector<std::int64_t>& after,
                                        std::size_t max_count);

// The stream's events of the given types older than `before_version`, newest first: for a reader
// that wants the latest of something, not a history it would have to read from the start.
std::vector<RecordedEvent> read_stream_backward(pqxx::transaction_base& tx,
                                                const std::string& stream_id,
                                                const std::vector<std::string>& types,
                                                std::int64_t before_version, std::size_t max_count);

// The newest event readers may see now.
Position head(pqxx::transaction_base& tx);

// The newest committed event, visible to readers or not yet (an older transaction in the
// cluster is still running). Waiting for a checkpoint to reach it is "waiting for my writes".
Position committed_head(pqxx::transaction_base& tx);

}  // namespace switchboard::eventstore
