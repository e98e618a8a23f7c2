#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <iterator>
#include <mutex>
#include <optional>
#include <pqxx/except>
#include <random>
#include <span>
#include <string>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include "commands/aggregate_cache.hpp"
#include "commands/command_context.hpp"
#include "domain/decision.hpp"
#include "eventstore/event_store.hpp"

namespace switchboard::commands {

struct CommandOutcome {
  enum class Status {
    accepted,     // events recorded (or none were needed)
    duplicate,    // a retry of a command already recorded: nothing new was written
    rejected,     // the aggregate refused: see rejection
    busy,         // still conflicting after every retry
    unavailable,  // the store could not be reached (a passing outage): see error
    failed,       // the store refused to record it: see error
  };
  Status status = Status::failed;
  domain::Rejection rejection;
  std::string error;
  std::int64_t stream_version = 0;
  std::int64_t last_position = 0;
  std::vector<domain::NewEvent> events;  // what was recorded by this call

  bool ok() const { return status == Status::accepted || status == Status::duplicate; }
  // Whether the command changed anything, now or when first sent: a retry answers as the first
  // call did (only a command that recorded events leaves a key or event ids to find).
  bool wrote() const {
    return status == Status::duplicate || (status == Status::accepted && !events.empty());
  }
};

// A command that met an unreachable store: a passing outage, which callers answer as such (503
// with Retry-After) whether the append or a read before it found the store gone.
inline CommandOutcome unreachable(const pqxx::broken_connection& e) {
  CommandOutcome outcome;
  outcome.status = CommandOutcome::Status::unavailable;
  outcome.error = std::string{"database unreachable: "} + e.what();
  return outcome;
}

// Where a command's state comes from before it decides.
enum class Freshness {
  // The cached state, unread: streams written only by pipelines (on this node or another), where
  // the append's expected version catches the rare stale state.
  cached,
  // The cached state brought up to date first: streams also appended to outside the pipeline,
  // whose cached state is usually behind (deciding on it would mostly conflict).
  read_first,
};

// validate (the caller) -> load -> decide -> append with the expected version -> on conflict
// read the newer events and decide again, a bounded number of times.
template <domain::Aggregate A>
class Pipeline {
 public:
  using State = typename A::State;
  using Decide = std::function<domain::Decision(const State&)>;

  // A command that keeps conflicting gives up after `retry_budget` (then: busy).
  explicit Pipeline(eventstore::EventStore& store, std::size_t cache_capacity = 100'000,
                    Freshness freshness = Freshness::cached,
                    std::chrono::milliseconds retry_budget = std::chrono::seconds(2))
      : store_(store), cache_(cache_capacity), freshness_(freshness), retry_budget_(retry_budget) {}

  static std::string stream_id(std::string_view id) {
    return std::string(A::category) + "-" + std::string(id);
  }

  // `canonical_command` identifies the command for idempotency: same key, other text = refused.
  // A store that cannot be reached is `unavailable`, never an exception: the append says so
  // itself, the reads before it (an idempotency key, the state to decide on) throw, and callers
  // that answer from queued jobs would otherwise lose their answer.
  CommandOutcome execute(std::string_view id, const CommandContext& context,
                         std::string_view canonical_command, const Decide& decide) {
    try {
      return run(id, context, canonical_command, decide);
    } catch (const pqxx::broken_connection& e) {
      return unreachable(e);
    }
  }

  // One command of execute_all; what it refers to must outlive the call.
  struct Command {
    std::string_view id;
    const CommandContext& context;
    std::string_view canonical_command;
    Decide decide;
  };

  // Runs commands as execute() runs each, in order on each aggregate, but sends every
  // aggregate's append to the store together and waits for them once: a bulk request's items
  // cost one wait, not one each (a thread woken per item was a tenth of the server's CPU per
  // inbound message). An aggregate's commands are decided in turn, each on the state the earlier
  // ones leave, and their events appended as one (a chat's items in a request are one write, not
  // one wait each). Each aggregate's turn is held across the wait, as execute() holds it, but
  // taken only if free: the commands of an aggregate another command on this node is deciding or
  // appending on run alone afterwards, as do those from the first with an idempotency key on
  // (the key is looked up first) and those whose append met a conflict (another node appended
  // first).
  std::vector<CommandOutcome> execute_all(std::span<const Command> commands) {
    std::vector<std::optional<CommandOutcome>> done(commands.size());
    {
      std::vector<Turn> batched;
      std::unordered_map<std::string_view, std::size_t> batched_at;
      std::unordered_set<std::string_view> keyed;
      for (std::size_t i = 0; i < commands.size(); ++i) {
        const auto& c = commands[i];
        if (keyed.contains(c.id)) continue;
        if (c.context.idempotency_key) {
          keyed.insert(c.id);
          continue;
        }
        auto [at, added] = batched_at.try_emplace(c.id, batched.size());
        if (added) batched.push_back({stream_id(c.id)});
        batched[at->second].members.push_back(i);
      }
      std::unordered_set<std::size_t> held;
      std::vector<std::unique_lock<std::mutex>> turns;
      std::vector<Turn*> taken;
      for (auto& turn : batched) {
        const auto stripe = stripe_of(turn.stream);
        if (!held.contains(stripe)) {
          std::unique_lock lock(stripes_[stripe], std::try_to_lock);
          if (!lock.owns_lock()) continue;
          turns.push_back(std::move(lock));
          held.insert(stripe);
        }
        taken.push_back(&turn);
      }
      read_uncached(taken);
      for (auto* turn : taken) decide_in_turn(*turn, commands, done);
      submit_appends(taken);
      for (auto& turn : batched) {
        if (turn.result.valid()) settle_turn(turn, done);
      }
    }
    std::vector<CommandOutcome> outcomes;
    outcomes.reserve(commands.size());
    for (std::size_t i = 0; i < commands.size(); ++i) {
      const auto& c = commands[i];
      if (!done[i]) {
        done[i] = alone(
            [&] { return std::optional{execute(c.id, c.context, c.canonical_command, c.decide)}; });
      }
      outcomes.push_back(std::move(*done[i]));
    }
    return outcomes;
  }

  using Entry = typename AggregateCache<State>::Entry;
  using EntryPtr = typename AggregateCache<State>::EntryPtr;

  // The state for reads that must see the aggregate itself (rare: reads use projections): the
  // store's current one, or a cached one the store confirmed within `max_age`. Shared, not
  // copied: a chat's state holds all its messages.
  EntryPtr load(const std::string& stream, std::chrono::milliseconds max_age = {}) {
    if (auto cached = cache_.get(stream, max_age)) return cached;
    return catch_up(stream, cache_.get(stream));
  }

  // The cached state however old, without asking the store: only for facts that never go back
  // (a stale value is a lower bound of the current one).
  EntryPtr cached(const std::string& stream) { return cache_.get(stream); }

 private:
  CommandOutcome run(std::string_view id, const CommandContext& context,
                     std::string_view canonical_command, const Decide& decide) {
    const auto stream = stream_id(id);
    // Commands on one aggregate take turns on this node, so they never conflict with each
    // other; conflicts then come only from other nodes.
    std::lock_guard turn(stripes_[stripe_of(stream)]);
    CommandOutcome outcome;
    if (context.idempotency_key) {
      if (auto seen = store_.find_idempotency_key(scoped_key(context))) {
        if (seen->request_hash != fingerprint(canonical_command)) return key_reused();
        outcome.status = CommandOutcome::Status::duplicate;
        outcome.stream_version = seen->result.stream_version;
        outcome.last_position = seen->result.last_position;
        return outcome;
      }
    }
    auto [entry, confirmed] = first_state(stream);
    const auto deadline = std::chrono::steady_clock::now() + retry_budget_;
    for (int attempt = 0; std::chrono::steady_clock::now() < deadline; ++attempt) {
      std::vector<domain::NewEvent> events;
      if (auto done = decide_on(stream, entry, confirmed, decide, events)) return *done;
      const auto result =
          store_.append(request(stream, entry->version, context, canonical_command, events));
      if (auto done = settle(stream, entry, events, result)) return *done;
      // Another node wrote first: back off a little (with jitter, so the nodes do not collide
      // again in step), then decide on the newer state.
      std::this_thread::sleep_for(std::chrono::microseconds(
          std::uniform_int_distribution<int>(0, 500 << std::min(attempt, 4))(jitter())));
      entry = catch_up(stream, std::move(entry));
      confirmed = true;
    }
    outcome.status = CommandOutcome::Status::busy;
    return outcome;
  }

  // The state to decide on first, and whether the store confirmed it. A cached state is decided
  // on without asking the store (Freshness::cached): if another node appended since, the
  // append's expected version says so.
  std::pair<EntryPtr, bool> first_state(const std::string& stream) {
    auto entry = cache_.get(stream);
    if (entry && freshness_ == Freshness::cached) return {std::move(entry), false};
    return {catch_up(stream, std::move(entry)), true};
  }

  // Decides on `entry`: the outcome when there is nothing to append (refused, or no events),
  // else nothing and the events to append on `entry`. A refusal or a no-op writes nothing that
  // could conflict, so one decided on an unconfirmed state is decided again on the store's.
  std::optional<CommandOutcome> decide_on(const std::string& stream, EntryPtr& entry,
                                          bool& confirmed, const Decide& decide,
                                          std::vector<domain::NewEvent>& events) {
    auto decision = decide(entry->state);
    if (!confirmed && !writes(decision)) {
      entry = catch_up(stream, std::move(entry));
      confirmed = true;
      decision = decide(entry->state);
    }
    CommandOutcome outcome;
    if (auto* r = std::get_if<domain::Rejection>(&decision)) {
      outcome.status = CommandOutcome::Status::rejected;
      outcome.rejection = std::move(*r);
      return outcome;
    }
    events = std::get<std::vector<domain::NewEvent>>(std::move(decision));
    if (!events.empty()) return std::nullopt;
    outcome.status = CommandOutcome::Status::accepted;
    outcome.stream_version = entry->version;
    return outcome;
  }

  // The outcome of appending `events` on `entry`; nothing on a conflict (decide again on the
  // newer state). An accepted append moves the cached state on.
  std::optional<CommandOutcome> settle(const std::string& stream, EntryPtr& entry,
                                       std::vector<domain::NewEvent>& events,
                                       const eventstore::AppendResult& result) {
    if (result.status != eventstore::AppendStatus::ok) return not_appended(result);
    cache_recorded(stream, moved_on(stream, std::move(entry), events), result.stream_version);
    CommandOutcome outcome;
    outcome.status = CommandOutcome::Status::accepted;
    outcome.stream_version = result.stream_version;
    outcome.last_position = result.last_position;
    outcome.events = std::move(events);
    return outcome;
  }

  // The outcome of an append that recorded nothing new; nothing on a conflict (decide again on
  // the newer state) and on success (the caller's to record).
  static std::optional<CommandOutcome> not_appended(const eventstore::AppendResult& result) {
    CommandOutcome outcome;
    switch (result.status) {
      case eventstore::AppendStatus::ok:
      case eventstore::AppendStatus::conflict:
        return std::nullopt;
      case eventstore::AppendStatus::duplicate:
        outcome.status = CommandOutcome::Status::duplicate;
        outcome.stream_version = result.stream_version;
        outcome.last_position = result.last_position;
        return outcome;
      case eventstore::AppendStatus::idempotency_mismatch:
        return key_reused();
      case eventstore::AppendStatus::duplicate_event_id:
      case eventstore::AppendStatus::unavailable:
      case eventstore::AppendStatus::failed:
        outcome.status = result.status == eventstore::AppendStatus::unavailable
                             ? CommandOutcome::Status::unavailable
                             : CommandOutcome::Status::failed;
        outcome.error = result.error.empty() ? eventstore::to_string(result.status) : result.error;
        return outcome;
    }
    return outcome;
  }

  // One aggregate's commands in execute_all.
  struct Turn {
    std::string stream;
    std::vector<std::size_t> members;      // the commands, in order
    EntryPtr entry;                        // the state the next member decides on
    bool confirmed = false;                // `entry` is the store's current state (read_uncached)
    std::int64_t version = 0;              // the state the append expects
    std::vector<domain::NewEvent> events;  // the members', in order
    std::size_t applied = 0;               // of `events`, those `entry` has applied
    // The members from the first with events on, answered once the append is: where their events
    // are in `events`, or what they decided if they record nothing.
    struct Waiting {
      std::size_t index;
      std::size_t begin;
      std::size_t end;
      std::optional<CommandOutcome> decided;
    };
    std::vector<Waiting> waiting;
    eventstore::AppendRequest append;
    std::future<eventstore::AppendResult> result;
  };

  // Reads the states of `turns` not cached yet in one query, not one each: a batch over new
  // chats (a history import) would otherwise wait for a round trip per chat, in series, while
  // holding the others' turns. A state read to the end is confirmed; one the query's limit cuts
  // short, and those it did not reach, are left to first_state. Cached states are decided on as
  // they are (Freshness::cached): reading them too would put a round trip into every batch while
  // its turns are held, and only another node's appends make them stale, which the append's
  // expected version catches.
  void read_uncached(std::span<Turn* const> taken) {
    std::vector<Turn*> turns;
    for (auto* turn : taken) {
      // A cached state is kept for decide_in_turn as first_state would give it: not looked up
      // twice.
      auto cached = cache_.get(turn->stream);
      if (!cached) {
        turns.push_back(turn);
      } else if (freshness_ == Freshness::cached) {
        turn->entry = std::move(cached);
      }
    }
    if (turns.size() < 2) return;
    std::vector<std::string> streams;
    std::vector<std::int64_t> versions;
    for (auto* turn : turns) {
      turn->entry = restore_snapshot(turn->stream);
      streams.push_back(turn->stream);
      versions.push_back(turn->entry ? turn->entry->version : 0);
    }
    try {
      const auto events = store_.read_streams(streams, versions, kPage);
      const bool complete = events.size() < kPage;
      std::unordered_map<std::string_view, std::span<const eventstore::RecordedEvent>> read;
      for (std::size_t i = 0, j = 0; i < events.size(); i = j) {
        while (j < events.size() && events[j].stream_id == events[i].stream_id) ++j;
        read.emplace(events[i].stream_id, std::span(events).subspan(i, j - i));
      }
      for (auto* turn : turns) {
        const auto it = read.find(turn->stream);
        turn->confirmed =
            it == read.end() ? complete : complete || turn->stream != events.back().stream_id;
        turn->entry =
            turn->confirmed
                ? fold(turn->stream, std::move(turn->entry),
                       it == read.end() ? std::span<const eventstore::RecordedEvent>{} : it->second)
                : nullptr;
      }
    } catch (const std::exception&) {
      // Only round trips were to be saved: first_state reads each state alone, and answers
      // whatever this met (the store gone) as the command's outcome.
      for (auto* turn : turns) turn->entry = nullptr;
    }
  }

  // Queues the decided turns' appends together, so they share a transaction: queued as each
  // turn was decided, a flusher began one with the first turns while the others were deciding,
  // and a request's appends went out in several transactions, committed one after the other.
  void submit_appends(std::span<Turn* const> turns) {
    std::vector<Turn*> writing;
    std::vector<eventstore::AppendRequest> appends;
    for (auto* turn : turns) {
      if (turn->waiting.empty()) continue;
      writing.push_back(turn);
      appends.push_back(std::move(turn->append));
    }
    auto results = store_.append_all(std::move(appends));
    for (std::size_t i = 0; i < writing.size(); ++i) writing[i]->result = std::move(results[i]);
  }

  // Decides a turn's members in order and prepares their events as one append. A member decided
  // before any has events is answered as execute() would answer it; the later ones decide on the
  // state the earlier ones' events leave, which the append's expected version confirms, so their
  // answers wait for it. A throw (the store gone) answers every member still unanswered, and
  // nothing is appended.
  void decide_in_turn(Turn& turn, std::span<const Command> commands,
                      std::vector<std::optional<CommandOutcome>>& done) {
    const auto failed = alone([&]() -> std::optional<CommandOutcome> {
      auto confirmed = turn.confirmed;
      if (!turn.entry) std::tie(turn.entry, confirmed) = first_state(turn.stream);
      for (const auto i : turn.members) {
        if (turn.applied < turn.events.size()) {
          turn.entry = moved_on(turn.stream, std::move(turn.entry),
                                std::span(turn.events).subspan(turn.applied));
          turn.applied = turn.events.size();
          confirmed = true;
        }
        std::vector<domain::NewEvent> events;
        auto outcome = decide_on(turn.stream, turn.entry, confirmed, commands[i].decide, events);
        if (turn.events.empty()) {
          if (outcome) {
            done[i] = std::move(outcome);
            continue;
          }
          // The state the first writer decided on: an earlier member's refusal or no-op may
          // have brought it up to date.
          turn.version = turn.entry->version;
          turn.append = append_on(turn.stream, turn.version);
        }
        add(turn.append, commands[i].context, events);
        const auto begin = turn.events.size();
        std::ranges::move(events, std::back_inserter(turn.events));
        turn.waiting.push_back({i, begin, turn.events.size(), std::move(outcome)});
      }
      return std::nullopt;
    });
    if (!failed) return;
    turn.waiting.clear();
    for (const auto i : turn.members) {
      if (!done[i]) done[i] = *failed;
    }
  }

  // Answers a turn's waiting members from its append: each with what it decided once recorded,
  // all alone on the newer state after a conflict, with the append's failure otherwise.
  void settle_turn(Turn& turn, std::vector<std::optional<CommandOutcome>>& done) {
    const auto failed = alone([&]() -> std::optional<CommandOutcome> {
      const auto result = turn.result.get();
      if (result.status == eventstore::AppendStatus::ok) {
        cache_recorded(turn.stream,
                       moved_on(turn.stream, std::move(turn.entry),
                                std::span(turn.events).subspan(turn.applied)),
                       result.stream_version);
        for (auto& w : turn.waiting) {
          auto outcome = w.decided ? std::move(*w.decided) : CommandOutcome{};
          if (!w.decided) {
            outcome.status = CommandOutcome::Status::accepted;
            outcome.last_position = result.last_position;
            outcome.events.assign(std::make_move_iterator(turn.events.begin() + w.begin),
                                  std::make_move_iterator(turn.events.begin() + w.end));
          }
          outcome.stream_version = turn.version + static_cast<std::int64_t>(w.end);
          done[w.index] = std::move(outcome);
        }
        return std::nullopt;
      }
      // A refused append of several commands may be one command's doing: each runs alone, so
      // it fails only itself.
      const bool shared =
          result.status == eventstore::AppendStatus::failed && turn.waiting.size() > 1;
      if (auto outcome = not_appended(result); outcome && !shared) return outcome;
      // Another node appended first: alone, the members decide on the newer state at once. A
      // state the turn's own events moved on is not the store's: it is dropped, and read anew.
      if (turn.applied == 0) catch_up(turn.stream, std::move(turn.entry));
      return std::nullopt;
    });
    if (!failed) return;
    for (const auto& w : turn.waiting) {
      if (!done[w.index]) done[w.index] = *failed;
    }
  }

  // `entry` with `events` applied (see own()).
  std::shared_ptr<Entry> moved_on(const std::string& stream, EntryPtr entry,
                                  std::span<const domain::NewEvent> events) {
    auto next = own(stream, std::move(entry));
    for (const auto& e : events) A::apply(next->state, e.type, e.data);
    return next;
  }

  // A state whose events the store recorded up to `version`, cached.
  void cache_recorded(const std::string& stream, std::shared_ptr<Entry> entry,
                      std::int64_t version) {
    entry->version = version;
    save_snapshot_if_due(stream, *entry);
    cache_.put(stream, std::move(entry));
  }

  std::size_t stripe_of(const std::string& stream) const {
    return std::hash<std::string>{}(stream) % stripes_.size();
  }

  // What deciding or recording a command of a batch throws is its outcome (its turn's, when
  // the throw leaves the turn's state unknown), not the batch's, whose other commands may have
  // been recorded already.
  template <class Run>
  static std::optional<CommandOutcome> alone(Run&& run) {
    try {
      return run();
    } catch (const pqxx::broken_connection& e) {
      return unreachable(e);
    } catch (const std::exception& e) {
      CommandOutcome outcome;
      outcome.error = e.what();
      return outcome;
    }
  }

  static std::mt19937& jitter() {
    thread_local std::mt19937 generator{std::random_device{}()};
    return generator;
  }

  // A key belongs to its caller: two clients choosing the same key never collide.
  static std::string scoped_key(const CommandContext& context) {
    return context.tenant + "|" + context.actor + "|" + *context.idempotency_key;
  }

  static CommandOutcome key_reused() {
    CommandOutcome outcome;
    outcome.status = CommandOutcome::Status::rejected;
    outcome.rejection = {domain::Rejection::Kind::conflict,
                         "this Idempotency-Key was already used for a different request",
                         "Idempotency-Key"};
    return outcome;
  }

  static bool writes(const domain::Decision& decision) {
    const auto* events = std::get_if<std::vector<domain::NewEvent>>(&decision);
    return events && !events->empty();
  }

  // `entry`, to apply newer events to: itself when nobody else holds it, else a copy (a reader
  // still holds the old state). So a command costs O(its events), not O(the state): a chat's
  // messages are not copied for each new one.
  //
  // An entry changed in place is out of the cache until its put: a reader then finds nothing
  // (cached) or reads the stream from the store (load), and put keeps the newer of what is cached
  // and what is offered, so a reader's older state never replaces the command's (only an entry
  // evicted meanwhile could be, which is a stale cached state like any other: the append's
  // expected version finds it out). A throw before the put drops the entry, perhaps half moved
  // on: the next command reads the stream again.
  std::shared_ptr<Entry> own(const std::string& stream, EntryPtr entry) {
    cache_.take_unshared(stream, entry);
    // Out of the cache, an entry reaches new holders only through its current ones: with this
    // pointer the only one left, nobody can see it change. The fence orders the last reads of
    // the other holders (before their releasing decrements, which use_count saw) before the
    // changes that follow.
    if (entry.use_count() == 1) {
      std::atomic_thread_fence(std::memory_order_acquire);
      return std::const_pointer_cast<Entry>(std::move(entry));
    }
    return std::make_shared<Entry>(*entry);
  }

  // `base` (null: nothing known yet) with the events recorded after it (see own()), cached.
  EntryPtr catch_up(const std::string& stream, EntryPtr base) {
    if (!base) base = restore_snapshot(stream);
    for (;;) {
      const auto events = store_.read_stream(stream, (base ? base->version : 0) + 1, kPage);
      base = fold(stream, std::move(base), events);
      if (events.size() < kPage) return base;
    }
  }

  // `base` (null: nothing known yet) with `events`, the ones recorded after it, cached.
  EntryPtr fold(const std::string& stream, EntryPtr base,
                std::span<const eventstore::RecordedEvent> events) {
    if (events.empty()) {
      if (!base) base = std::make_shared<Entry>();
      cache_.put(stream, base);
      return base;
    }
    auto next = base ? own(stream, std::move(base)) : std::make_shared<Entry>();
    for (const auto& e : events) {
      A::apply(next->state, e.type, e.data);
      next->version = e.stream_version;
    }
    save_snapshot_if_due(stream, *next);
    cache_.put(stream, next);
    return next;
  }

  // A snapshot only saves reads, so one that cannot be read or saved is skipped: the stream's
  // events are the truth, and the next catch-up or append tries again.
  EntryPtr restore_snapshot(const std::string& stream) {
    if constexpr (domain::Snapshotting<A>) {
      try {
        const auto snapshot = store_.read_snapshot(stream);
        if (!snapshot || snapshot->format != A::snapshot_format) return nullptr;
        auto state = A::restore(snapshot->state);
        if (!state) return nullptr;
        return std::make_shared<Entry>(
            Entry{std::move(*state), snapshot->version, snapshot->version});
      } catch (const std::exception&) {
        return nullptr;
      }
    }
    return nullptr;
  }

  void save_snapshot_if_due(const std::string& stream, Entry& entry) {
    if constexpr (domain::Snapshotting<A>) {
      if (entry.version - entry.snapshot_version < A::snapshot_every) return;
      try {
        store_.save_snapshot(
            stream, {entry.version, std::string(A::snapshot_format), A::snapshot(entry.state)});
        entry.snapshot_version = entry.version;
      } catch (const std::exception&) {
      }
    }
  }

  eventstore::AppendRequest request(const std::string& stream, std::int64_t version,
                                    const CommandContext& context,
                                    std::string_view canonical_command,
                                    const std::vector<domain::NewEvent>& events) {
    auto r = append_on(stream, version);
    add(r, context, events);
    if (context.idempotency_key) {
      r.idempotency_key = scoped_key(context);
      r.request_hash = fingerprint(canonical_command);
    }
    return r;
  }

  // An append on `version` of nothing yet: add() adds each command's events.
  static eventstore::AppendRequest append_on(const std::string& stream, std::int64_t version) {
    eventstore::AppendRequest r;
    r.stream_id = stream;
    r.category = std::string(A::category);
    r.expected = version == 0 ? eventstore::ExpectedVersion::no_stream()
                              : eventstore::ExpectedVersion::exact(version);
    return r;
  }

  static void add(eventstore::AppendRequest& r, const CommandContext& context,
                  const std::vector<domain::NewEvent>& events) {
    if (events.empty()) return;
    const auto metadata = metadata_json(context);
    for (const auto& e : events) r.events.push_back({new_uuid(), e.type, e.data, metadata});
  }

  // Events per read at the most: a longer catch-up reads page after page.
  static constexpr std::size_t kPage = 10'000;

  eventstore::EventStore& store_;
  AggregateCache<State> cache_;
  Freshness freshness_;
  std::chrono::milliseconds retry_budget_;
  // Turns by aggregate: enough that batches of hundreds of commands (execute_all) held at once
  // rarely share one by chance.
  std::vector<std::mutex> stripes_ = std::vector<std::mutex>(8192);
};

}  // namespace switchboard::commands
