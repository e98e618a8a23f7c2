#pragma once

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace switchboard::domain {

// An event an aggregate decided to record: its type and JSON data.
struct NewEvent {
  std::string type;
  std::string data;
};

// One input at fault and why.
struct FieldProblem {
  std::string field;
  std::string message;
};

// Why an aggregate refused a command. `field` names the input at fault, when there is one;
// `problems` lists every fault when there are several (each unmet publication condition, each
// bad endpoint).
struct Rejection {
  enum class Kind { invalid, not_found, conflict, forbidden };
  Kind kind = Kind::invalid;
  std::string message;
  std::string field;
  std::vector<FieldProblem> problems;
};

// decide() returns the events to record (possibly none: the command changes nothing) or a
// rejection.
using Decision = std::variant<std::vector<NewEvent>, Rejection>;

inline Decision reject(Rejection::Kind kind, std::string message, std::string field = {}) {
  return Rejection{kind, std::move(message), std::move(field), {}};
}

inline Decision reject(Rejection::Kind kind, std::string message,
                       std::vector<FieldProblem> problems) {
  return Rejection{kind, std::move(message), {}, std::move(problems)};
}

// An aggregate type A provides:
//   using State = ...;                       default-constructed for a new stream
//   static constexpr std::string_view category;  stream ids are "<category>-<id>"
//   static void apply(State&, std::string_view type, std::string_view data);
// and free decide functions per command: Decision decide(const State&, const Command&).
template <class A>
concept Aggregate = requires(typename A::State& s, std::string_view v) {
  { A::category } -> std::convertible_to<std::string_view>;
  A::apply(s, v, v);
};

// An aggregate whose streams grow long also provides a snapshot of its state, saved every
// `snapshot_every` events, so a node reads such a stream from its newest snapshot rather than
// from its first event. `snapshot_format` names the layout: a snapshot written in another one
// (by an older build) is ignored, and `restore` refuses text it cannot read.
//   static constexpr std::string_view snapshot_format;
//   static constexpr std::int64_t snapshot_every;
//   static std::string snapshot(const State&);
//   static std::optional<State> restore(std::string_view text);
template <class A>
concept Snapshotting = Aggregate<A> && requires(const typename A::State& s, std::string_view v) {
  { A::snapshot_format } -> std::convertible_to<std::string_view>;
  { A::snapshot_every } -> std::convertible_to<std::int64_t>;
  { A::snapshot(s) } -> std::convertible_to<std::string>;
  { A::restore(v) } -> std::same_as<std::optional<typename A::State>>;
};

}  // namespace switchboard::domain
