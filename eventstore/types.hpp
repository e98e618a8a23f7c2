#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace switchboard::eventstore {

// An event as the store sees it: a type name and two JSON documents. The store knows no domain.
struct EventData {
  std::string event_id;  // UUID, chosen by the writer so a retried append is recognised
  std::string type;
  std::string data;      // JSON object
  std::string metadata;  // JSON object: tenant, actor, correlation_id, causation_id, command_id
};

// Expected version of a stream before an append. Versions start at 1; 0 means "no stream yet".
class ExpectedVersion {
 public:
  static constexpr ExpectedVersion any() { return ExpectedVersion{-1}; }
  static constexpr ExpectedVersion no_stream() { return ExpectedVersion{0}; }
  static constexpr ExpectedVersion exact(std::int64_t version) { return ExpectedVersion{version}; }
  constexpr std::int64_t value() const { return value_; }

 private:
  constexpr explicit ExpectedVersion(std::int64_t v) : value_(v) {}
  std::int64_t value_;
};

struct AppendRequest {
  std::string stream_id;  // "<category>-<id>"
  std::string category;
  ExpectedVersion expected = ExpectedVersion::any();
  std::vector<EventData> events;
  // Optional: a retried request with the same key and hash gets the original result; the same
  // key with another hash is refused.
  std::optional<std::string> idempotency_key;
  std::string request_hash;
};

enum class AppendStatus {
  ok,
  duplicate,             // a retry of an append already recorded: the original result is given
  conflict,              // the stream's version was not the expected one
  idempotency_mismatch,  // the idempotency key was used for another request
  duplicate_event_id,    // an event id was already used by another append
  unavailable,           // the database could not be reached, even after reconnecting
  failed,                // the database refused the batch
};

const char* to_string(AppendStatus status);

struct AppendResult {
  AppendStatus status = AppendStatus::failed;
  std::int64_t stream_version = 0;  // after the append, or the actual version on conflict
  std::int64_t first_position = 0;
  std::int64_t last_position = 0;
  std::string error;  // for unavailable and failed

  bool succeeded() const { return status == AppendStatus::ok || status == AppendStatus::duplicate; }
};

// A place in the global order. Readers see events in (epoch, tx_id, global_position) order and
// never see a transaction before every older transaction has finished, so a late commit is not
// skipped.
struct Position {
  std::int32_t epoch = 0;
  std::uint64_t tx_id = 0;
  std::int64_t global_position = 0;

  auto operator<=>(const Position&) const = default;
  static Position start() { return {}; }
};

struct RecordedEvent {
  Position position;
  std::string stream_id;
  std::int64_t stream_version = 0;
  std::string event_id;
  std::string type;
  std::string data;
  std::string metadata;
  std::string recorded_at;  // ISO 8601, UTC
};

// What a log reader acts on. apply()-style consumers ignore every other event, so the reader
// need not render them.
struct EventFilter {
  std::vector<std::string> types;  // empty: every type
  bool bodies = true;              // false: data and metadata stay empty
};

struct LogPage {
  std::vector<RecordedEvent> events;
  Position reached;
  std::size_t scanned = 0;
};

}  // namespace switchboard::eventstore
