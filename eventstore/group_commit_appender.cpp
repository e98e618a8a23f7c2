#include "eventstore/group_commit_appender.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <pqxx/pqxx>

#include "eventstore/event_store.hpp"

namespace switchboard::eventstore {
namespace {

constexpr int kAttemptsWhenUnreachable = 3;

std::string batch_json(const std::vector<const AppendRequest*>& requests) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartArray();
  for (const auto* r : requests) {
    w.StartObject();
    w.Key("s");
    w.String(r->stream_id.c_str(), r->stream_id.size());
    w.Key("c");
    w.String(r->category.c_str(), r->category.size());
    w.Key("e");
    w.Int64(r->expected.value());
    if (r->idempotency_key) {
      w.Key("k");
      w.String(r->idempotency_key->c_str(), r->idempotency_key->size());
      w.Key("h");
      w.String(r->request_hash.c_str(), r->request_hash.size());
    }
    w.Key("ev");
    w.StartArray();
    for (const auto& e : r->events) {
      w.StartObject();
      w.Key("id");
      w.String(e.event_id.c_str(), e.event_id.size());
      w.Key("t");
      w.String(e.type.c_str(), e.type.size());
      w.Key("d");
      w.RawValue(e.data.c_str(), e.data.size(), rapidjson::kObjectType);
      w.Key("m");
      if (e.metadata.empty()) {
        w.StartObject();
        w.EndObject();
      } else {
        w.RawValue(e.metadata.c_str(), e.metadata.size(), rapidjson::kObjectType);
      }
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  return {buffer.GetString(), buffer.GetSize()};
}

AppendStatus parse_status(std::string_view s) {
  if (s == "ok") return AppendStatus::ok;
  if (s == "duplicate") return AppendStatus::duplicate;
  if (s == "conflict") return AppendStatus::conflict;
  if (s == "idempotency_mismatch") return AppendStatus::idempotency_mismatch;
  if (s == "duplicate_event_id") return AppendStatus::duplicate_event_id;
  return AppendStatus::failed;
}

AppendResult failure(std::string error, AppendStatus status = AppendStatus::failed) {
  AppendResult r;
  r.status = status;
  r.error = std::move(error);
  return r;
}

}  // namespace

GroupCommitAppender::GroupCommitAppender(std::string url, int flushers, int max_batch,
                                         int max_batch_events)
    : url_(std::move(url)),
      max_batch_(static_cast<std::size_t>(max_batch)),
      max_batch_events_(static_cast<std::size_t>(max_batch_events)) {
  for (int i = 0; i < flushers; ++i) flushers_.emplace_back([this] { run_flusher(); });
}

GroupCommitAppender::~GroupCommitAppender() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : flushers_) t.join();
}

void GroupCommitAppender::submit(AppendRequest request, Done done) {
  std::vector<Pending> one;
  one.push_back(Pending{std::move(request), std::move(done)});
  submit(std::move(one));
}

void GroupCommitAppender::submit(std::vector<Pending> requests) {
  std::erase_if(requests, [](Pending& p) {
    if (!p.request.events.empty()) return false;
    p.done(failure("an append holds at least one event"));
    return true;
  });
  if (requests.empty()) return;
  {
    std::lock_guard lock(mutex_);
    for (auto& p : requests) queue_.push_back(std::move(p));
  }
  // More than a batch may have come: the other flushers take the rest meanwhile.
  if (requests.size() > 1) {
    wake_.notify_all();
  } else {
    wake_.notify_one();
  }
}

std::vector<GroupCommitAppender::Pending> GroupCommitAppender::take_batch() {
  std::vector<Pending> batch;
  std::unique_lock lock(mutex_);
  for (;;) {
    // A request whose stream is in flight waits, and so does every later one on that stream.
    std::unordered_set<std::string> blocked;
    std::size_t events = 0;
    for (auto it = queue_.begin();
         it != queue_.end() && batch.size() < max_batch_ && events < max_batch_events_;) {
      const auto& stream = it->request.stream_id;
      if (in_flight_.contains(stream) || blocked.contains(stream)) {
        blocked.insert(stream);
        ++it;
        continue;
      }
      in_flight_.insert(stream);
      events += it->request.events.size();
      batch.push_back(std::move(*it));
      it = queue_.erase(it);
    }
    if (!batch.empty() || (stopping_ && queue_.empty())) return batch;
    wake_.wait(lock);
  }
}

void GroupCommitAppender::finish_batch(const std::vector<Pending>& batch) {
  {
    std::lock_guard lock(mutex_);
    for (const auto& p : batch) in_flight_.erase(p.request.stream_id);
  }
  wake_.notify_all();
}

void GroupCommitAppender::run_flusher() {
  std::unique_ptr<pqxx::connection> connection;
  for (;;) {
    auto batch = take_batch();
    if (batch.empty()) break;
    auto results = execute(connection, batch);
    finish_batch(batch);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      count(batch[i].request, results[i]);
      batch[i].done(std::move(results[i]));
    }
  }
}

std::vector<AppendResult> GroupCommitAppender::execute(
    std::unique_ptr<pqxx::connection>& connection, const std::vector<Pending>& batch) {
  std::string last_error;
  for (int attempt = 0; attempt < kAttemptsWhenUnreachable; ++attempt) {
    try {
      if (!connection) {
        connection = std::make_unique<pqxx::connection>(url_);
        connection->prepare("append_batch",
                            "SELECT idx, status, stream_version, first_position, last_position "
                            "FROM append_batch($1::jsonb)");
      }
      return execute_once(*connection, batch);
    } catch (const pqxx::in_doubt_error& e) {
      // The commit may or may not have happened. Sending the same batch again is safe: its
      // event ids and idempotency keys make a recorded append answer with its original result.
      last_error = e.what();
    } catch (const pqxx::broken_connection& e) {
      last_error = e.what();
    } catch (const pqxx::sql_error& e) {
      if (batch.size() == 1) return {failure(e.what())};
      spdlog::warn("append batch of {} refused ({}); appending one by one", batch.size(), e.what());
      std::vector<AppendResult> results;
      results.reserve(batch.size());
      for (const auto& p : batch) {
        std::vector<Pending> single;
        single.push_back(Pending{p.request, nullptr});
        results.push_back(execute(connection, single).front());
      }
      return results;
    } catch (const std::exception& e) {
      return std::vector<AppendResult>(batch.size(), failure(e.what()));
    }
    connection.reset();
    std::this_thread::sleep_for(std::chrono::milliseconds(100 << attempt));
  }
  return std::vector<AppendResult>(
      batch.size(), failure("database unreachable: " + last_error, AppendStatus::unavailable));
}

std::vector<AppendResult> GroupCommitAppender::execute_once(pqxx::connection& connection,
                                                            const std::vector<Pending>& batch) {
  std::vector<const AppendRequest*> requests;
  requests.reserve(batch.size());
  for (const auto& p : batch) requests.push_back(&p.request);
  const std::string json = batch_json(requests);

  pqxx::work tx(connection);
  const pqxx::result rows = tx.exec_prepared("append_batch", json);
  tx.commit();
  batches_.fetch_add(1, std::memory_order_relaxed);

  std::vector<AppendResult> results(batch.size(), failure("no outcome reported for the request"));
  for (const auto& row : rows) {
    const auto i = row[0].as<std::size_t>() - 1;
    if (i >= results.size()) continue;
    AppendResult r;
    r.status = parse_status(row[1].c_str());
    r.stream_version = row[2].is_null() ? 0 : row[2].as<std::int64_t>();
    r.first_position = row[3].is_null() ? 0 : row[3].as<std::int64_t>();
    r.last_position = row[4].is_null() ? 0 : row[4].as<std::int64_t>();
    results[i] = r;
  }
  return results;
}

void GroupCommitAppender::count(const AppendRequest& request, const AppendResult& result) {
  if (result.succeeded()) {
    appends_.fetch_add(1, std::memory_order_relaxed);
    if (result.status == AppendStatus::ok)
      events_.fetch_add(request.events.size(), std::memory_order_relaxed);
  } else if (result.status == AppendStatus::failed || result.status == AppendStatus::unavailable) {
    failures_.fetch_add(1, std::memory_order_relaxed);
  } else {
    conflicts_.fetch_add(1, std::memory_order_relaxed);
  }
}

StoreStats GroupCommitAppender::stats() const {
  StoreStats s;
  s.appends = appends_.load(std::memory_order_relaxed);
  s.events_appended = events_.load(std::memory_order_relaxed);
  s.conflicts = conflicts_.load(std::memory_order_relaxed);
  s.failures = failures_.load(std::memory_order_relaxed);
  s.batches = batches_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace switchboard::eventstore
