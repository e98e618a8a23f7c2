#include "api/delivery/delivery_worker.hpp"

#include <fmt/format.h>
#include <nats/nats.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "api/crypto/signature.hpp"
#include "api/delivery/fairness.hpp"
#include "api/delivery/policy.hpp"
#include "api/delivery/provider_client.hpp"
#include "api/delivery/targets.hpp"
#include "api/nats/nats_client.hpp"
#include "domain/url.hpp"
#include "eventstore/connection_pool.hpp"

namespace switchboard::api::delivery {
namespace {

constexpr const char* take_lock = "SELECT pg_try_advisory_lock(hashtext('switchboard delivery'))";
// One job per fetch: libnats 3.4.1 (Debian 12) can write past the end of a fetch's message
// array when a batch of more than one meets messages an earlier, timed-out pull delivered late
// (valgrind: "invalid write of size 8, 0 bytes after a block of size 512" for 64), which corrupted
// the heap under a stuck provider's backlog. With a batch of one the library stops at the first
// message. A fetch then costs a round trip to nats-server per job, far below a provider's call.
constexpr int fetch_batch = 1;
constexpr int fetch_timeout_ms = 250;
// Fetched jobs the scheduler has not taken in yet: fetching waits above this.
constexpr std::size_t max_inbox = 1024;
// Consecutive failed fetches (not timeouts) after which the subscription is made anew: the
// stream or consumer may be gone with a broker that lost its storage.
constexpr int resubscribe_after = 5;
// Jobs given back that are overdue, looked for at the broker at most this many a second.
constexpr std::size_t max_away_checks = 64;
constexpr std::size_t max_logged_answer = 2'000;
// A history import that never ends is the provider's bug; it must not hold the lane forever.
constexpr int max_history_pages = 10'000;

// A message of the client library acknowledges (and naks, extends) through the subscription that
// delivered it, which it points at without keeping it: a subscription made anew (after failed
// fetches, for a consumer made anew) while messages of the old one are still held would leave
// them pointing at freed memory, and their next ack would read and write it. So each held
// message keeps its subscription, which is destroyed with the last of them.
using Subscription = std::shared_ptr<natsSubscription>;

std::string nats_error(natsStatus s, jsErrCode code) {
  std::string text = natsStatus_GetText(s);
  if (code != 0) text += " (JetStream error " + std::to_string(static_cast<int>(code)) + ")";
  return text;
}

std::int64_t nanos(std::chrono::milliseconds d) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
}

std::string clip(std::string_view text) {
  return std::string(text.substr(0, max_logged_answer));
}

std::string percent_encode(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// The array answer of list_accounts ({"accounts": [...]} or a bare array).
const rapidjson::Value* array_member(const rapidjson::Document& d, const char* name) {
  if (d.IsArray()) return &d;
  if (!d.IsObject()) return nullptr;
  const auto it = d.FindMember(name);
  return it != d.MemberEnd() && it->value.IsArray() ? &it->value : nullptr;
}

std::string string_member(const rapidjson::Value& v, const char* name) {
  if (!v.IsObject()) return {};
  const auto it = v.FindMember(name);
  return it != v.MemberEnd() && it->value.IsString() ? it->value.GetString() : std::string();
}

}  // namespace

bool ensure_delivery_queue(nats::NatsClient& client, const DeliverySettings& settings,
                           std::string& error) {
  jsCtx* js = nullptr;
  natsStatus s = natsConnection_JetStream(&js, client.raw(), nullptr);
  if (s != NATS_OK) {
    error = "JetStream unavailable: " + nats_error(s, static_cast<jsErrCode>(0));
    return false;
  }
  const char* subjects[] = {settings.subject.c_str()};
  jsStreamConfig stream;
  jsStreamConfig_Init(&stream);
  stream.Name = settings.stream.c_str();
  stream.Subjects = subjects;
  stream.SubjectsLen = 1;
  stream.Storage = js_FileStorage;
  // An acknowledged job is done for good: the stream keeps only work still to do.
  stream.Retention = js_WorkQueuePolicy;
  stream.Duplicates =
      std::chrono::duration_cast<std::chrono::nanoseconds>(settings.duplicate_window).count();
  jsStreamInfo* stream_info = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  s = js_AddStream(&stream_info, js, &stream, nullptr, &code);
  if (s != NATS_OK && code == JSStreamNameExistErr) {
    s = js_UpdateStream(&stream_info, js, &stream, nullptr, &code);
  }
  if (stream_info != nullptr) jsStreamInfo_Destroy(stream_info);
  if (s != NATS_OK) {
    error = "cannot create stream " + settings.stream + ": " + nats_error(s, code);
    jsCtx_Destroy(js);
    return false;
  }
  jsConsumerConfig consumer;
  jsConsumerConfig_Init(&consumer);
  consumer.Durable = settings.consumer.c_str();
  consumer.AckPolicy = js_AckExplicit;
  consumer.DeliverPolicy = js_DeliverAll;
  consumer.AckWait = nanos(settings.ack_wait);
  // No practical limit: jobs given back for a while (deferred) stay pending, and a broker limit
  // would stop every provider's delivery behind one provider's backlog; the worker limits what it
  // holds. (-1 is not sent by the client library: the broker would use its default, 1000.)
  consumer.MaxAckPending = std::numeric_limits<std::int32_t>::max();
  consumer.MaxDeliver = -1;
  consumer.FilterSubject = settings.subject.c_str();
  jsConsumerInfo* consumer_info = nullptr;
  code = static_cast<jsErrCode>(0);
  s = js_AddConsumer(&consumer_info, js, settings.stream.c_str(), &consumer, nullptr, &code);
  if (s != NATS_OK) {
    // An existing consumer with other settings (say, another ack wait) is updated in place.
    code = static_cast<jsErrCode>(0);
    s = js_UpdateConsumer(&consumer_info, js, settings.stream.c_str(), &consumer, nullptr, &code);
  }
  if (consumer_info != nullptr) jsConsumerInfo_Destroy(consumer_info);
  jsCtx_Destroy(js);
  if (s != NATS_OK) {
    error = "cannot create consumer " + settings.consumer + ": " + nats_error(s, code);
    return false;
  }
  return true;
}

class DeliveryWorker::Consumer {
 public:
  Consumer(nats::NatsClient& nats, DeliveryOutcomes& outcomes, const DeliverySettings& settings,
           DeliveryMetrics& metrics)
      : nats_(nats),
        outcomes_(outcomes),
        settings_(settings),
        policy_(settings.policy),
        metrics_(metrics),
        pool_(settings.database_url, settings.concurrency + 1),
        resolver_(pool_, settings_.secret_key) {}

  ~Consumer() { stop(false); }

  bool start(std::string& error) {
    if (!subscribe(error)) return false;
    if (!init_barrier(error)) return false;
    fetcher_ = std::thread([this] { fetch_loop(); });
    scheduler_ = std::thread([this] { schedule_loop(); });
    for (int i = 0; i < settings_.concurrency; ++i) workers_.emplace_back([this] { work_loop(); });
    return true;
  }

  // `orderly`: this node still owns the queue (not a lost ownership session, after which another
  // node may be its owner already).
  void stop(bool orderly) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      stopping_ = true;
      orderly_ = orderly;
    }
    wake_.notify_all();
    if (fetcher_.joinable()) fetcher_.join();
    {
      std::lock_guard lock(mutex_);
      fetcher_done_ = true;
    }
    wake_.notify_all();
    if (scheduler_.joinable()) scheduler_.join();
    {
      std::lock_guard lock(mutex_);
      workers_done_ = true;
    }
    work_cv_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
    unsubscribe();
  }

 private:
  enum class Result { done, dropped, rejected, expired, transient, wait };

  struct Entry {
    natsMsg* msg = nullptr;
    Subscription via;  // msg's
    std::uint64_t seq = 0;
    Job job;
    int attempts = 0;  // quick/unavailable attempts that got no usable answer
    Clock::time_point not_before{};
    bool in_flight = false;
    // A final provider answer whose outcome could not be recorded yet: recorded again without
    // calling the provider again.
    std::optional<HttpAnswer> unrecorded;
    std::string unrecorded_url;
    // sync_accounts progress, so a retry goes on where it stopped.
    bool accounts_recorded = false;
    std::string history_cursor;
    int history_pages = 0;
    bool history_imported = false;
    SyncTally tally;
    // What the last failed attempt saw, for the expiry's detail.
    std::string last_problem;
    int last_status = 0;
  };

  struct Lane {
    std::deque<std::unique_ptr<Entry>> queue;  // stream order
    bool busy = false;                         // an entry of the lane is in flight
  };

  struct Attempt {
    Result result;
    Clock::time_point retry_at{};
  };

  struct Completion {
    Entry* entry;
    Attempt attempt;
  };

  // --- JetStream ---------------------------------------------------------------------------

  // A fetched job's message and the subscription that delivered it.
  struct Fetched {
    natsMsg* msg;
    Subscription via;
  };

  bool subscribe(std::string& error) {
    if (!ensure_delivery_queue(nats_, settings_, error)) return false;
    if (js_ == nullptr && natsConnection_JetStream(&js_, nats_.raw(), nullptr) != NATS_OK) {
      js_ = nullptr;
      error = "JetStream unavailable";
      return false;
    }
    jsSubOptions options;
    jsSubOptions_Init(&options);
    options.Stream = settings_.stream.c_str();
    options.Consumer = settings_.consumer.c_str();
    options.ManualAck = true;
    jsErrCode code = static_cast<jsErrCode>(0);
    natsSubscription* made = nullptr;
    const natsStatus s = js_PullSubscribe(&made, js_, settings_.subject.c_str(),
                                          settings_.consumer.c_str(), nullptr, &options, &code);
    if (s != NATS_OK) {
      error = "cannot subscribe to " + settings_.stream + ": " + nats_error(s, code);
      return false;
    }
    // Destroying (not unsubscribing) keeps the durable consumer, which the library did not make.
    subscription_ = Subscription(made, natsSubscription_Destroy);
    return true;
  }

  // Only once nothing fetched is held any more (stop() hands everything back first).
  void unsubscribe() {
    subscription_.reset();
    if (js_ != nullptr) jsCtx_Destroy(js_);
    js_ = nullptr;
  }

  // Jobs the previous owner held (delivered, not acknowledged) come back once their ack wait
  // runs out; until they are all here nothing runs, or a newer job of their lane could overtake
  // them.
  bool init_barrier(std::string& error) {
    jsConsumerInfo* info = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    const natsStatus s = js_GetConsumerInfo(&info, js_, settings_.stream.c_str(),
                                            settings_.consumer.c_str(), nullptr, &code);
    if (s != NATS_OK) {
      error = "cannot read consumer " + settings_.consumer + ": " + nats_error(s, code);
      return false;
    }
    barrier_floor_ = info->Delivered.Stream;
    barrier_pending_ = static_cast<std::uint64_t>(std::max<std::int64_t>(info->NumAckPending, 0));
    jsConsumerInfo_Destroy(info);
    barrier_deadline_ = Clock::now() + settings_.ack_wait + std::chrono::seconds(2);
    barrier_released_ = barrier_pending_ == 0;
    if (!barrier_released_) {
      spdlog::info("delivery: waiting for {} job(s) the previous owner held", barrier_pending_);
    }
    return true;
  }

  void fetch_loop() {
    int failures = 0;
    for (;;) {
      {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
      }
      // The hold itself never stops fetching (admit() gives back what a provider holds beyond
      // its share); only a scheduler that has not caught up does.
      bool backlog = false;
      bool afresh = false;
      {
        std::lock_guard lock(mutex_);
        backlog = inbox_.size() >= max_inbox;
        afresh = make_afresh_;
      }
      if (afresh) {
        make_consumer_afresh();
        continue;
      }
      if (backlog || subscription_ == nullptr) {
        if (subscription_ == nullptr) resubscribe();
        std::this_thread::sleep_for(std::chrono::milliseconds(fetch_timeout_ms));
        continue;
      }
      natsMsgList list{};
      jsErrCode code = static_cast<jsErrCode>(0);
      const natsStatus s =
          natsSubscription_Fetch(&list, subscription_.get(), fetch_batch, fetch_timeout_ms, &code);
      if (s == NATS_OK) {
        failures = 0;
        {
          std::lock_guard lock(mutex_);
          for (int i = 0; i < list.Count; ++i) {
            inbox_.push_back({list.Msgs[i], subscription_});
            list.Msgs[i] = nullptr;  // ours now
          }
        }
        natsMsgList_Destroy(&list);
        wake_.notify_all();
        continue;
      }
      natsMsgList_Destroy(&list);
      if (s == NATS_TIMEOUT) continue;
      // The broker is away (or restarting): the connection reconnects by itself; fetching
      // resumes, and jobs held meanwhile are still acknowledged.
      if (++failures == 1 || failures % 20 == 0) {
        spdlog::warn("delivery: fetching from {} failed: {}", settings_.stream,
                     nats_error(s, code));
      }
      if (failures % resubscribe_after == 0) resubscribe();
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
  }

  void resubscribe() {
    subscription_.reset();
    std::string error;
    if (!subscribe(error)) spdlog::warn("delivery: {}", error);
  }

  // A consumer made anew delivers every job still queued from the oldest, in stream order
  // (acknowledged jobs are gone from a work-queue stream): jobs the previous owner gave back for
  // longer than the barrier waits come first again, before any later job of their chat.
  bool delete_consumer() {
    jsErrCode code = static_cast<jsErrCode>(0);
    const natsStatus s = js_DeleteConsumer(js_, settings_.stream.c_str(),
                                           settings_.consumer.c_str(), nullptr, &code);
    if (s == NATS_OK || code == JSConsumerNotFoundErr) return true;
    spdlog::warn("delivery: cannot remove consumer {}: {}", settings_.consumer,
                 nats_error(s, code));
    return false;
  }

  void make_consumer_afresh() {
    subscription_.reset();
    std::string error;
    if (!delete_consumer() || !subscribe(error)) {
      if (!error.empty()) spdlog::warn("delivery: {}", error);
      std::this_thread::sleep_for(std::chrono::seconds(1));
      return;
    }
    {
      std::lock_guard lock(mutex_);
      // Fetched from the consumer that is gone: the new one delivers them again.
      for (const auto& f : inbox_) natsMsg_Destroy(f.msg);
      inbox_.clear();
      make_afresh_ = false;
      made_afresh_ = true;
    }
    wake_.notify_all();
  }

  // --- the lanes (scheduler thread only) ---------------------------------------------------

  void schedule_loop() {
    auto next_progress = Clock::now() + progress_every();
    auto next_ack_retry = Clock::now();
    std::unique_lock lock(mutex_);
    for (;;) {
      const auto wake_at = std::min(next_wake_, Clock::now() + std::chrono::seconds(1));
      wake_.wait_until(lock, wake_at, [&] {
        return !inbox_.empty() || !completions_.empty() || (fetcher_done_ && in_flight_ == 0);
      });
      auto inbox = std::move(inbox_);
      inbox_.clear();
      auto completions = std::move(completions_);
      completions_.clear();
      const bool stopping = stopping_;
      const bool finished = fetcher_done_;
      const bool afresh = std::exchange(made_afresh_, false);
      lock.unlock();

      if (afresh) start_afresh();
      for (auto& f : inbox) admit(std::move(f));
      for (auto& c : completions) finish(c);
      const auto now = Clock::now();
      if (now >= next_ack_retry) {
        retry_acks();
        check_away(now);
        next_ack_retry = now + std::chrono::seconds(1);
      }
      if (now >= next_progress) {
        keep_alive();
        next_progress = now + progress_every();
      }
      if (!stopping) dispatch(now);
      if (finished && in_flight_ == 0) break;
      lock.lock();
    }
    hand_back();
  }

  std::chrono::milliseconds progress_every() const {
    return std::max(settings_.ack_wait / 3, std::chrono::milliseconds(100));
  }

  void admit(Fetched fetched) {
    natsMsg* m = fetched.msg;
    jsMsgMetaData* meta = nullptr;
    if (natsMsg_GetMetaData(&meta, m) != NATS_OK) {
      spdlog::error("delivery: a message without JetStream metadata; ignored");
      natsMsg_Destroy(m);
      return;
    }
    const auto seq = meta->Sequence.Stream;
    const auto deliveries = meta->NumDelivered;
    jsMsgMetaData_Destroy(meta);
    if (!barrier_released_ && seq <= barrier_floor_) barrier_seen_.insert(seq);
    if (const auto it = by_seq_.find(seq); it != by_seq_.end()) {
      // Delivered again (the broker restarted, or an ack deadline passed): the same job.
      natsMsg_Destroy(it->second->msg);
      it->second->msg = m;
      it->second->via = std::move(fetched.via);
      if (const auto done = acks_pending_.find(seq); done != acks_pending_.end()) retry_acks();
      return;
    }
    auto job = parse_job(
        std::string_view(natsMsg_GetData(m), static_cast<std::size_t>(natsMsg_GetDataLength(m))));
    if (!job) {
      spdlog::error("delivery: job {} is not a job; dropped: {}", seq,
                    clip(std::string_view(natsMsg_GetData(m),
                                          static_cast<std::size_t>(natsMsg_GetDataLength(m)))));
      ++metrics_.dropped;
      auto entry = std::make_unique<Entry>();
      entry->msg = m;
      entry->via = std::move(fetched.via);
      entry->seq = seq;
      acknowledge(std::move(entry));
      return;
    }
    if (defers(*job, seq)) {
      defer(m, seq, *job, deliveries);
      return;
    }
    auto entry = std::make_unique<Entry>();
    entry->msg = m;
    entry->via = std::move(fetched.via);
    entry->seq = seq;
    entry->job = std::move(*job);
    ++held_by_provider_[entry->job.provider_code];
    ++held_total_;
    spdlog::debug("delivery: job {} ({}, lane {}) fetched", entry->job.job_id, entry->job.kind,
                  entry->job.lane);
    by_seq_[seq] = entry.get();
    auto& lane = lanes_[entry->job.lane];
    // In stream order: a job the previous owner held comes back after newer ones were fetched.
    auto at = lane.queue.end();
    while (at != lane.queue.begin() && (*std::prev(at))->seq > seq &&
           !(*std::prev(at))->in_flight) {
      --at;
    }
    lane.queue.insert(at, std::move(entry));
  }

  // A job is given back to the broker for a while instead of being held when an earlier job of its
  // lane is away so (the chat's order), or when its provider has its share of a full hold.
  bool defers(const Job& job, std::uint64_t seq) {
    forget_away(job.lane, seq);  // it is back
    if (away_before(job.lane, seq)) return true;
    // An expired job is taken in whatever its provider holds: it ends at once, without a call.
    if (expired(policy_for(policy_, job.kind), job.created, Clock::now())) return false;
    const auto it = held_by_provider_.find(job.provider_code);
    const std::size_t held = it == held_by_provider_.end() ? 0 : it->second;
    return over_share({.held = held,
                       .total_held = held_total_,
                       .providers = held_by_provider_.size() + (held == 0 ? 1 : 0)},
                      static_cast<std::size_t>(settings_.max_held));
  }

  // For longer each time the same job is given back (defer_delay), so a stuck provider's backlog
  // costs ever fewer fetches; a provider that answers is only busy, and its jobs come back as soon
  // as the first time, so its backlog drains at once when it answers again. A new owner whose
  // barrier (up to the ack wait) does not see every such job come back makes the consumer anew
  // (dispatch()), so it still sees each lane's earlier jobs first.
  void defer(natsMsg* m, std::uint64_t seq, const Job& job, std::uint64_t deliveries) {
    const auto now = Clock::now();
    const auto until_expiry = std::chrono::duration_cast<std::chrono::milliseconds>(
        job.created + policy_for(policy_, job.kind).expiry - now);
    const auto base = settings_.ack_wait / 2;
    const auto answer = answered_.find(job.provider_code);
    const bool answering = answer != answered_.end() && now - answer->second < base;
    const auto delay =
        defer_delay(answering ? 1 : deliveries, base, settings_.max_defer_delay, until_expiry);
    deferred_[job.lane].insert(seq);
    away_[seq] = {job.lane, now + delay + settings_.ack_wait};
    // One that cannot be given back now comes back after its ack wait anyway.
    natsMsg_NakWithDelay(m, delay.count(), nullptr);
    natsMsg_Destroy(m);
    ++metrics_.deferred;
  }

  // Whether an earlier job of the lane is away at the broker: the chat's order waits for it.
  bool away_before(const std::string& lane, std::uint64_t seq) const {
    const auto d = deferred_.find(lane);
    return d != deferred_.end() && *d->second.begin() < seq;
  }

  // `seq` is back, or gone from the stream.
  void forget_away(const std::string& lane, std::uint64_t seq) {
    away_.erase(seq);
    const auto d = deferred_.find(lane);
    if (d == deferred_.end()) return;
    d->second.erase(seq);
    if (d->second.empty()) deferred_.erase(d);
  }

  // A job given back that is long overdue (its delay and a whole ack wait) may be gone from the
  // stream: purged, deleted, aged out. Its chat would wait for it for ever, so the broker is
  // asked; once it no longer has the job, the lane goes on without it.
  void check_away(Clock::time_point now) {
    if (!nats_.connected()) return;
    std::vector<std::uint64_t> overdue;
    for (const auto& [seq, away] : away_) {
      if (away.due <= now) overdue.push_back(seq);
    }
    std::ranges::sort(overdue);
    if (overdue.size() > max_away_checks) overdue.resize(max_away_checks);
    jsOptions options;
    jsOptions_Init(&options);
    options.Wait = 2 * fetch_timeout_ms;
    for (const auto seq : overdue) {
      natsMsg* m = nullptr;
      jsErrCode code = static_cast<jsErrCode>(0);
      const natsStatus s = js_GetMsg(&m, js_, settings_.stream.c_str(), seq, &options, &code);
      if (m != nullptr) natsMsg_Destroy(m);
      auto& away = away_.at(seq);
      if (s == NATS_OK) {
        away.due = now + settings_.ack_wait;  // still queued: it comes back
        continue;
      }
      if (s != NATS_NOT_FOUND && code != JSNoMessageFoundErr) return;  // asked again later
      spdlog::warn("delivery: job {} of lane {} is no longer in {}; the lane goes on without it",
                   seq, away.lane, settings_.stream);
      const auto lane = away.lane;
      forget_away(lane, seq);
    }
  }

  void release(const Entry& e) {
    const auto it = held_by_provider_.find(e.job.provider_code);
    if (--it->second == 0) held_by_provider_.erase(it);
    --held_total_;
  }

  void dispatch(Clock::time_point now) {
    if (!barrier_released_) {
      if (barrier_seen_.size() < barrier_pending_) {
        next_wake_ = std::min(barrier_deadline_, now + std::chrono::seconds(1));
        if (now < barrier_deadline_) return;
        // The rest are away for longer (given back) or gone: a new consumer starts over.
        if (!afresh_asked_) {
          spdlog::info("delivery: {} of {} job(s) not back; making consumer {} anew",
                       barrier_pending_ - barrier_seen_.size(), barrier_pending_,
                       settings_.consumer);
          std::lock_guard lock(mutex_);
          make_afresh_ = true;
          afresh_asked_ = true;
        }
        next_wake_ = now + std::chrono::seconds(1);
        return;
      }
      barrier_released_ = true;
      barrier_seen_.clear();
    }
    auto next = Clock::time_point::max();
    std::map<std::string_view, std::vector<Entry*>> heads;  // ready lane heads by provider
    for (auto& [name, lane] : lanes_) {
      if (lane.busy || lane.queue.empty()) continue;
      Entry* head = lane.queue.front().get();
      if (away_before(name, head->seq)) continue;  // an earlier job of the chat is to come back
      if (head->not_before > now) {
        next = std::min(next, head->not_before);
        continue;
      }
      heads[head->job.provider_code].push_back(head);
    }
    next_wake_ = next;
    const auto cap = static_cast<std::size_t>(settings_.concurrency);
    if (heads.empty() || in_flight_ >= cap) return;
    std::vector<ProviderLoad> loads;
    for (auto& [provider, ready] : heads) {
      // The oldest work of the provider first, whichever its chat.
      std::ranges::sort(ready, {}, &Entry::seq);
      const auto it = in_flight_by_provider_.find(provider);
      loads.push_back({ready.size(), it == in_flight_by_provider_.end() ? 0 : it->second});
    }
    const auto starts =
        fair_starts(loads, rotation_++ % loads.size(), cap - in_flight_,
                    static_cast<std::size_t>(std::max(settings_.provider_concurrency, 1)));
    std::vector<Entry*> ready;
    std::size_t i = 0;
    for (auto& [provider, provider_heads] : heads) {
      for (std::size_t k = 0; k < starts[i]; ++k) {
        Entry* head = provider_heads[k];
        lanes_[head->job.lane].busy = true;
        head->in_flight = true;
        ++in_flight_by_provider_[head->job.provider_code];
        spdlog::debug("delivery: job {} dispatched", head->job.job_id);
        ready.push_back(head);
      }
      ++i;
    }
    if (ready.empty()) return;
    in_flight_ += ready.size();
    {
      std::lock_guard lock(mutex_);
      for (auto* e : ready) tasks_.push_back(e);
    }
    work_cv_.notify_all();
  }

  void finish(const Completion& c) {
    Entry* e = c.entry;
    e->in_flight = false;
    --in_flight_;
    if (const auto it = in_flight_by_provider_.find(e->job.provider_code); --it->second == 0) {
      in_flight_by_provider_.erase(it);
    }
    auto& lane = lanes_[e->job.lane];
    lane.busy = false;
    switch (c.attempt.result) {
      case Result::transient:
        ++metrics_.retried;
        e->not_before = c.attempt.retry_at;
        return;
      case Result::wait:
        e->not_before = c.attempt.retry_at;
        return;
      case Result::done:
        ++metrics_.delivered;
        answered_[e->job.provider_code] = Clock::now();
        break;
      case Result::dropped:
        ++metrics_.dropped;
        break;
      case Result::rejected:
        ++metrics_.rejected;
        answered_[e->job.provider_code] = Clock::now();
        break;
      case Result::expired:
        ++metrics_.expired;
        break;
    }
    const auto it = std::find_if(lane.queue.begin(), lane.queue.end(),
                                 [e](const auto& p) { return p.get() == e; });
    auto owned = std::move(*it);
    lane.queue.erase(it);
    release(*owned);
    if (lane.queue.empty()) lanes_.erase(e->job.lane);
    acknowledge(std::move(owned));
  }

  // The outcome is recorded: the job is done whatever happens to the ack. One that does not
  // reach the broker is retried, so the job is not run again when the broker redelivers it.
  void acknowledge(std::unique_ptr<Entry> e) {
    jsErrCode code = static_cast<jsErrCode>(0);
    // While the broker is away an ack would only wait for its timeout, holding every lane.
    const natsStatus s =
        nats_.connected() ? natsMsg_AckSync(e->msg, nullptr, &code) : NATS_CONNECTION_DISCONNECTED;
    if (s == NATS_OK) {
      by_seq_.erase(e->seq);
      natsMsg_Destroy(e->msg);
      return;
    }
    spdlog::warn("delivery: cannot acknowledge job {} yet: {}", e->job.job_id, nats_error(s, code));
    by_seq_[e->seq] = e.get();
    acks_pending_[e->seq] = std::move(e);
  }

  void retry_acks() {
    if (!nats_.connected()) return;
    for (auto it = acks_pending_.begin(); it != acks_pending_.end();) {
      jsErrCode code = static_cast<jsErrCode>(0);
      if (natsMsg_AckSync(it->second->msg, nullptr, &code) != NATS_OK) return;  // still away
      by_seq_.erase(it->first);
      natsMsg_Destroy(it->second->msg);
      it = acks_pending_.erase(it);
    }
  }

  // Held jobs keep their place: their ack deadline moves on while they wait.
  void keep_alive() {
    for (auto& [name, lane] : lanes_) {
      for (auto& e : lane.queue) natsMsg_InProgress(e->msg, nullptr);
    }
    for (auto& [seq, e] : acks_pending_) natsMsg_InProgress(e->msg, nullptr);
  }

  // Stopping: what is still held goes back to the broker at once (not after the ack wait), in
  // stream order, for the next owner.
  void hand_back() {
    retry_acks();
    const bool away = !away_.empty();
    drop_held(true);
    for (auto& [seq, e] : acks_pending_) natsMsg_Destroy(e->msg);
    acks_pending_.clear();
    by_seq_.clear();
    {
      std::lock_guard lock(mutex_);
      for (const auto& f : inbox_) {
        natsMsg_Nak(f.msg, nullptr);
        natsMsg_Destroy(f.msg);
      }
      inbox_.clear();
    }
    // Jobs given back for a while would keep the next owner's barrier waiting the whole ack wait
    // before it makes the consumer anew: made anew now, it gets them at once.
    if (away && orderly_ && nats_.connected()) delete_consumer();
  }

  // The consumer was made anew: what is held came from the old one (nothing of it ran: the
  // barrier held it back) and comes again, in stream order.
  void start_afresh() {
    drop_held(false);
    barrier_released_ = true;
    barrier_seen_.clear();
  }

  // Lets go of the held jobs, in stream order; `nak`: back to the broker at once.
  void drop_held(bool nak) {
    std::vector<Entry*> held;
    for (auto& [name, lane] : lanes_) {
      for (auto& e : lane.queue) held.push_back(e.get());
    }
    std::ranges::sort(held, {}, &Entry::seq);
    for (auto* e : held) {
      if (nak) natsMsg_Nak(e->msg, nullptr);
      natsMsg_Destroy(e->msg);
      by_seq_.erase(e->seq);
    }
    lanes_.clear();
    held_by_provider_.clear();
    held_total_ = 0;
    deferred_.clear();
    away_.clear();
  }

  // --- attempts (pool threads) -------------------------------------------------------------

  void work_loop() {
    ProviderClient client({.timeout = settings_.request_timeout, .tls = settings_.tls});
    std::unique_lock lock(mutex_);
    for (;;) {
      work_cv_.wait(lock, [&] { return workers_done_ || !tasks_.empty(); });
      if (tasks_.empty()) return;
      Entry* e = tasks_.front();
      tasks_.pop_front();
      lock.unlock();
      Attempt a{Result::wait};
      try {
        a = attempt(*e, client);
      } catch (const std::exception& ex) {
        // PostgreSQL away, mostly: nothing was recorded, so the job is tried again.
        spdlog::warn("delivery: job {} ({}) must wait: {}", e->job.job_id, e->job.kind, ex.what());
        a = later();
      }
      lock.lock();
      completions_.push_back({e, a});
      wake_.notify_all();
    }
  }

  Attempt later() const { return {Result::wait, Clock::now() + policy_.retry_delay}; }

  Attempt attempt(Entry& e, ProviderClient& client) {
    const Job& job = e.job;
    if (job.traits.outcome == Outcome::removal) {
      return outcomes_.remove_app(job) ? Attempt{Result::done} : later();
    }
    const auto [endpoint, method] = endpoint_of(job.kind);
    if (endpoint.empty()) {
      spdlog::error("delivery: job {} has an unknown kind '{}'; dropped", job.job_id, job.kind);
      return {Result::dropped};
    }
    if (e.unrecorded) return settle(e, *e.unrecorded, endpoint, method, e.unrecorded_url);
    const auto target = resolver_.resolve(job, endpoint);
    if (target.gate == Gate::wait) {
      spdlog::debug("delivery: job {} waits: {}", job.job_id, target.why);
      // A read model that never catches up must not keep the job beyond its expiry either.
      if (!expired(policy_for(policy_, job.kind), job.created, Clock::now())) return later();
    } else if (target.gate == Gate::drop) {
      spdlog::info("delivery: job {} ({}, {}/{}) dropped: {}", job.job_id, job.kind, job.tenant_id,
                   job.provider_code, target.why);
      return {Result::dropped};
    } else if (target.gate == Gate::give_up) {
      // Checked before the expiry: the deactivation, not the wait, is why it was never sent.
      return give_up(e, job.traits.recipient_gone, target.why, endpoint, method, target.url);
    }
    if (auto refused = insecure(e, endpoint, method, target.url)) return *refused;
    if (expired(policy_for(policy_, job.kind), job.created, Clock::now())) {
      const auto detail =
          fmt::format("not delivered within {:g} s of {}",
                      policy_for(policy_, job.kind).expiry.count() / 1000.0, job.created_at);
      return give_up(e, "expired", detail, endpoint, method, target.url);
    }
    if (job.traits.outcome == Outcome::sync) return sync_accounts(e, target, client);
    const auto answer =
        client.call(job.traits.recipient == Recipient::developer
                        ? signed_push(job, target)
                        : request(job, method, target.url, job.body_json(), target.token));
    return settle(e, answer, endpoint, method, target.url);
  }

  // A notice push carries no token: it is signed with the webhook's secret (target.token), over
  // the timestamp and the exact body sent, so the receiver can tell it is ours and fresh.
  static HttpCall signed_push(const Job& job, const Target& target) {
    auto body = job.body_json();
    const auto timestamp = std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>(Clock::now().time_since_epoch()).count());
    auto signature = crypto::hmac_sha256_hex(target.token, timestamp + "." + body);
    return {"POST",
            target.url,
            {{"Idempotency-Key", job.job_id},
             {"X-Switchboard-Timestamp", timestamp},
             {"X-Switchboard-Signature", std::move(signature)},
             {"Content-Type", "application/json"},
             {"Accept", "application/json"}},
            std::move(body)};
  }

  static HttpCall request(const Job& job, std::string_view method, const std::string& url,
                          std::string body, const std::string& token) {
    return {std::string(method),
            url,
            {{"Authorization", "Bearer " + token},
             {"Idempotency-Key", job.job_id},
             {"X-Switchboard-Tenant", job.tenant_id},
             {"Content-Type", "application/json"},
             {"Accept", "application/json"}},
            // GET and DELETE (remove_webhook) carry no body.
            method == "POST" ? std::move(body) : std::string()};
  }

  // A provider answer of a kind without pages: records the outcome.
  Attempt settle(Entry& e, const HttpAnswer& answer, std::string_view endpoint,
                 std::string_view method, const std::string& url) {
    const Job& job = e.job;
    const auto kind = classify(answer.answered, answer.status);
    if (kind == Answer::transient) return failed_attempt(e, answer, endpoint, method, url);
    if (kind == Answer::rejected) return reject(e, answer, endpoint, method, url);
    if (job.traits.outcome == Outcome::delivery) {
      rapidjson::Document d;
      d.Parse(answer.body.data(), answer.body.size());
      const auto id = d.HasParseError() ? std::string() : string_member(d, "provider_message_id");
      if (id.empty()) {
        spdlog::warn("delivery: {} of {} answered {} without a provider_message_id", endpoint,
                     job.provider_code, answer.status);
      }
      if (!outcomes_.delivered(job, id)) return unrecorded(e, answer, url);
    }
    if (job.traits.outcome == Outcome::push && !outcomes_.notice_pushed(job, {}, {})) {
      return unrecorded(e, answer, url);
    }
    return {Result::done};
  }

  Attempt unrecorded(Entry& e, const HttpAnswer& answer, const std::string& url) {
    e.unrecorded = answer;
    e.unrecorded_url = url;
    spdlog::warn("delivery: the outcome of job {} could not be recorded; retrying", e.job.job_id);
    return later();
  }

  Attempt failed_attempt(Entry& e, const HttpAnswer& answer, std::string_view endpoint,
                         std::string_view method, const std::string& url) {
    const Job& job = e.job;
    ++e.attempts;
    e.last_status = answer.answered ? answer.status : 0;
    e.last_problem = answer.answered
                         ? "answered " + std::to_string(answer.status) + ": " + clip(answer.body)
                         : answer.error;
    const auto next = after_attempt(policy_for(policy_, job.kind), Answer::transient, e.attempts,
                                    job.created, Clock::now());
    if (e.attempts == policy_.max_attempts) {
      // From here on the provider counts as unavailable: once in the error log, not every retry.
      spdlog::warn("delivery: {} of {} unavailable after {} attempts ({}); job {} waits", endpoint,
                   job.provider_code, e.attempts, e.last_problem, job.job_id);
      log_error(job, method, endpoint, url, e.last_status, "provider unavailable", e.last_problem,
                e.attempts);
    } else {
      spdlog::info("delivery: {} of {} failed (attempt {}): {}", endpoint, job.provider_code,
                   e.attempts, e.last_problem);
    }
    return {Result::transient, next.at};
  }

  Attempt reject(Entry& e, const HttpAnswer& answer, std::string_view endpoint,
                 std::string_view method, const std::string& url) {
    const Job& job = e.job;
    const auto detail = std::string(endpoint) + " answered " + std::to_string(answer.status) +
                        (answer.body.empty() ? "" : ": " + clip(answer.body));
    if (!given_up(e, "rejected", detail)) return unrecorded(e, answer, url);
    spdlog::warn("delivery: job {} ({}) rejected by {}: {}", job.job_id, job.kind,
                 job.provider_code, detail);
    log_error(job, method, endpoint, url, answer.status, "rejected by the provider", detail,
              e.attempts + 1);
    return {Result::rejected};
  }

  // Configurations uploaded before endpoints had to be https may still name plain http off
  // loopback: the call would carry the client token in clear text, so it is never made, and no
  // retry could change that. Given up at once, like a rejection.
  std::optional<Attempt> insecure(Entry& e, std::string_view endpoint, std::string_view method,
                                  const std::string& url) {
    if (!domain::clear_text_off_loopback(url)) return std::nullopt;
    return give_up(e, "insecure_endpoint",
                   fmt::format("{} is plain http to a host that is not loopback ({}); the "
                               "provider's configuration must name an https endpoint",
                               endpoint, url),
                   endpoint, method, url);
  }

  // Removed from the queue without calling the provider (again): `reason` is "expired",
  // "insecure_endpoint" or the kind's recipient_gone; given_up() records it and the error is
  // logged in the kind's words.
  Attempt give_up(Entry& e, std::string_view reason, std::string_view why,
                  std::string_view endpoint, std::string_view method, const std::string& url) {
    const Job& job = e.job;
    const auto detail =
        std::string(why) +
        (e.last_problem.empty() ? std::string() : "; last attempt: " + e.last_problem);
    if (!given_up(e, reason, detail)) return later();
    spdlog::warn("delivery: job {} ({}) for {} {} ({}): {}", job.job_id, job.kind,
                 job.provider_code, job.traits.not_done, reason, detail);
    log_error(job, method, endpoint, url, e.last_status,
              fmt::format("{}: {}", job.traits.not_done, reason), detail, e.attempts);
    if (reason == "expired") return {Result::expired};
    return {reason == "insecure_endpoint" ? Result::rejected : Result::dropped};
  }

  // What a job given up leaves: its sync's failure, its push's, or its message not sent.
  bool given_up(const Entry& e, std::string_view reason, std::string_view detail) {
    switch (e.job.traits.outcome) {
      case Outcome::sync:
        return outcomes_.sync_ended(e.job, e.tally, reason, detail);
      case Outcome::push:
        return outcomes_.notice_pushed(e.job, reason, detail);
      case Outcome::message:
      case Outcome::delivery:
      case Outcome::removal:
        break;
    }
    return outcomes_.not_sent(e.job, reason, detail);
  }

  // list_accounts, then every page of message_history when the connection imports history, then
  // the sync's outcome.
  Attempt sync_accounts(Entry& e, const Target& target, ProviderClient& client) {
    const Job& job = e.job;
    if (!e.accounts_recorded) {
      const auto answer = client.call(request(job, "GET", target.url, {}, target.token));
      if (classify(answer.answered, answer.status) != Answer::success) {
        return settle(e, answer, "list_accounts", "GET", target.url);
      }
      rapidjson::Document d;
      d.Parse(answer.body.data(), answer.body.size());
      const auto* accounts = d.HasParseError() ? nullptr : array_member(d, "accounts");
      if (accounts == nullptr) {
        return reject(e, {true, 422, "list_accounts answered without an accounts array", {}},
                      "list_accounts", "GET", target.url);
      }
      if (!outcomes_.accounts_listed(job, *accounts, e.tally)) return later();
      e.accounts_recorded = true;
      e.attempts = 0;
    }
    if (!job.flag("has_history") || target.history_url.empty()) e.history_imported = true;
    if (!e.history_imported) {
      if (auto refused = insecure(e, "message_history", "GET", target.history_url)) return *refused;
    }
    while (!e.history_imported) {
      if (e.history_pages == max_history_pages) {
        spdlog::error("delivery: message_history of {} still had pages after {}; stopped",
                      job.provider_code, max_history_pages);
        break;
      }
      auto url = target.history_url;
      if (!e.history_cursor.empty()) {
        url += (url.find('?') == std::string::npos ? "?cursor=" : "&cursor=") +
               percent_encode(e.history_cursor);
      }
      const auto answer = client.call(request(job, "GET", url, {}, target.token));
      const auto kind = classify(answer.answered, answer.status);
      if (kind == Answer::transient)
        return failed_attempt(e, answer, "message_history", "GET", url);
      if (kind == Answer::rejected) return reject(e, answer, "message_history", "GET", url);
      rapidjson::Document d;
      d.Parse(answer.body.data(), answer.body.size());
      const auto* messages = d.HasParseError() ? nullptr : array_member(d, "messages");
      if (messages == nullptr) {
        return reject(e, {true, 422, "message_history answered without a messages array", {}},
                      "message_history", "GET", url);
      }
      if (!outcomes_.history_page(job, *messages, e.tally)) return later();
      e.attempts = 0;
      ++e.history_pages;
      e.history_cursor = string_member(d, "next_cursor");
      e.history_imported = e.history_cursor.empty();
    }
    e.history_imported = true;
    return outcomes_.sync_ended(job, e.tally, {}, {}) ? Attempt{Result::done} : later();
  }

  // The error log (GET /admin/v1/errors): final failures and the moment a provider became
  // unavailable, once per job and error. Losing a row to a PostgreSQL outage must not hold the
  // job: spdlog has it too.
  void log_error(const Job& job, std::string_view method, std::string_view endpoint,
                 const std::string& url, int status, std::string_view title,
                 std::string_view detail, int attempts) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    const auto put = [&w](const char* key, std::string_view value) {
      w.Key(key);
      w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
    };
    w.StartObject();
    put("title", title);
    put("detail", detail);
    if (status != 0) {
      w.Key("status");
      w.Int(status);
    }
    put("job_id", job.job_id);
    put("kind", job.kind);
    // The row's tenant is null then: the failure is the provider's developer's, no tenant's.
    if (job.traits.recipient == Recipient::developer) {
      put("developer_id", job.field("developer_id"));
    }
    put("lane", job.lane);
    put("endpoint", endpoint);
    put("url", url);
    put("created_at", job.created_at);
    w.Key("attempts");
    w.Int(attempts);
    w.EndObject();
    try {
      pool_.with_connection([&](pqxx::connection& c) {
        pqxx::work tx(c);
        // A job redelivered after a crash between this row and its acknowledgement comes back
        // with the same id, to the same error: hashed, as a URL may exceed an index entry.
        tx.exec_params(
            "INSERT INTO error_log (source, tenant_id, provider_code, method, route, status,"
            " problem, request_id, delivery_key) VALUES ('delivery', $1, $2, $3, $4, $5,"
            " $6::jsonb, $7, encode(sha256(convert_to($8, 'UTF8')), 'hex'))"
            " ON CONFLICT (delivery_key) DO NOTHING",
            job.tenant_id.empty() ? std::nullopt : std::optional(job.tenant_id), job.provider_code,
            std::string(method), std::string(endpoint),
            status != 0 ? std::optional<int>(status) : std::nullopt,
            std::string(buffer.GetString(), buffer.GetSize()), job.job_id,
            fmt::format("{}\n{}\n{}\n{}", job.job_id, title, method, url));
        tx.commit();
      });
    } catch (const std::exception& ex) {
      spdlog::error("delivery: cannot write the error log ({}): {}", ex.what(),
                    std::string_view(buffer.GetString(), buffer.GetSize()));
    }
  }

  nats::NatsClient& nats_;
  DeliveryOutcomes& outcomes_;
  const DeliverySettings& settings_;
  const DeliveryPolicy& policy_;
  DeliveryMetrics& metrics_;
  eventstore::ConnectionPool pool_;
  TargetResolver resolver_;

  jsCtx* js_ = nullptr;
  Subscription subscription_;  // the fetcher's, once started

  // Shared between threads, under mutex_.
  std::mutex mutex_;
  std::condition_variable wake_;     // the scheduler's
  std::condition_variable work_cv_;  // the pool's
  std::vector<Fetched> inbox_;
  std::vector<Completion> completions_;
  std::deque<Entry*> tasks_;
  bool stopping_ = false;
  bool orderly_ = false;
  bool fetcher_done_ = false;
  bool workers_done_ = false;
  bool make_afresh_ = false;  // the scheduler asks the fetcher for a new consumer...
  bool made_afresh_ = false;  // ...which tells it when the new one delivers

  // The scheduler thread's.
  std::map<std::string, Lane> lanes_;
  std::unordered_map<std::uint64_t, Entry*> by_seq_;
  std::map<std::uint64_t, std::unique_ptr<Entry>> acks_pending_;
  std::size_t in_flight_ = 0;
  // Held jobs (queued in a lane or in flight) and calls running, by provider: their shares.
  std::map<std::string, std::size_t, std::less<>> held_by_provider_;
  std::size_t held_total_ = 0;
  std::map<std::string, std::size_t, std::less<>> in_flight_by_provider_;
  std::size_t rotation_ = 0;  // which provider dispatch() serves first
  // Jobs given back to the broker for a while, by lane: later jobs of the lane wait for them.
  std::unordered_map<std::string, std::set<std::uint64_t>> deferred_;
  struct Away {
    std::string lane;
    Clock::time_point due;  // looked for at the broker after this (check_away)
  };
  std::unordered_map<std::uint64_t, Away> away_;
  // When a job of the provider last ended with its answer (done or rejected).
  std::map<std::string, Clock::time_point, std::less<>> answered_;
  Clock::time_point next_wake_ = Clock::time_point::max();
  std::uint64_t barrier_floor_ = 0;
  std::uint64_t barrier_pending_ = 0;
  std::unordered_set<std::uint64_t> barrier_seen_;
  Clock::time_point barrier_deadline_{};
  bool barrier_released_ = true;
  bool afresh_asked_ = false;

  std::thread fetcher_;
  std::thread scheduler_;
  std::vector<std::thread> workers_;
};

DeliveryWorker::DeliveryWorker(nats::NatsClient& nats, DeliveryOutcomes& outcomes,
                               DeliverySettings settings)
    : nats_(nats), outcomes_(outcomes), settings_(std::move(settings)) {}

DeliveryWorker::~DeliveryWorker() {
  stop();
}

void DeliveryWorker::start() {
  try_take_ownership();
  ownership_ = std::thread([this] { keep_ownership(); });
}

void DeliveryWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (ownership_.joinable()) ownership_.join();
  lose_ownership(true);
}

bool DeliveryWorker::owner() const {
  std::lock_guard lock(mutex_);
  return consumer_ != nullptr;
}

void DeliveryWorker::keep_ownership() {
  std::unique_lock lock(mutex_);
  while (!stop_cv_.wait_for(lock, settings_.ownership_check, [this] { return stopping_; })) {
    const bool owning = consumer_ != nullptr;
    lock.unlock();
    if (!owning) {
      try_take_ownership();
    } else {
      try {
        pqxx::nontransaction(*lock_connection_).exec("SELECT 1");
      } catch (const std::exception& e) {
        // The lock went with the session: another node may hold it now.
        spdlog::warn("delivery: lost the ownership's database session ({}); stepping down",
                     e.what());
        lose_ownership(false);
      }
    }
    lock.lock();
  }
}

void DeliveryWorker::try_take_ownership() {
  try {
    if (!lock_connection_) {
      lock_connection_ = std::make_unique<pqxx::connection>(settings_.database_url);
    }
    if (!pqxx::nontransaction(*lock_connection_).exec(take_lock)[0][0].as<bool>()) return;
  } catch (const std::exception& e) {
    spdlog::warn("delivery: cannot contend for the delivery ownership: {}", e.what());
    lock_connection_.reset();
    return;
  }
  auto consumer = std::make_unique<Consumer>(nats_, outcomes_, settings_, metrics_);
  std::string error;
  if (!consumer->start(error)) {
    // Without the queue there is nothing to own: let another node (or the next check) try.
    spdlog::warn("delivery: cannot consume the delivery queue: {}", error);
    consumer.reset();
    lock_connection_.reset();
    return;
  }
  spdlog::info("delivery: this node delivers to providers");
  std::lock_guard lock(mutex_);
  consumer_ = std::move(consumer);
}

void DeliveryWorker::lose_ownership(bool orderly) {
  std::unique_ptr<Consumer> consumer;
  {
    std::lock_guard lock(mutex_);
    consumer = std::move(consumer_);
  }
  if (consumer) consumer->stop(orderly);
  // Closing the session releases the lock, after the held jobs went back to the broker.
  lock_connection_.reset();
}

}  // namespace switchboard::api::delivery
