#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <pqxx/connection>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "eventstore/types.hpp"

namespace switchboard::eventstore {

struct StoreStats;

// Many concurrent appends share one transaction: flusher threads take what is queued (one
// request per stream, streams not already in flight, so per-stream order is kept) and send it
// as one append_batch call. A request's conflict is its own outcome and fails no other request;
// a batch the database refuses as a whole is retried request by request.
class GroupCommitAppender {
 public:
  using Done = std::function<void(AppendResult)>;

  GroupCommitAppender(std::string url, int flushers, int max_batch, int max_batch_events);
  ~GroupCommitAppender();

  struct Pending {
    AppendRequest request;
    Done done;
  };

  void submit(AppendRequest request, Done done);
  // Queued together, so a flusher takes them into one batch (up to its limit) rather than
  // starting a transaction with the first while the others are still being queued.
  void submit(std::vector<Pending> requests);
  StoreStats stats() const;

 private:
  void run_flusher();
  std::vector<Pending> take_batch();
  void finish_batch(const std::vector<Pending>& batch);
  std::vector<AppendResult> execute(std::unique_ptr<pqxx::connection>& connection,
                                    const std::vector<Pending>& batch);
  std::vector<AppendResult> execute_once(pqxx::connection& connection,
                                         const std::vector<Pending>& batch);
  void count(const AppendRequest& request, const AppendResult& result);

  std::string url_;
  std::size_t max_batch_;
  std::size_t max_batch_events_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  std::unordered_set<std::string> in_flight_;
  bool stopping_ = false;
  std::vector<std::thread> flushers_;

  std::atomic<std::uint64_t> appends_{0}, events_{0}, conflicts_{0}, failures_{0}, batches_{0};
};

}  // namespace switchboard::eventstore
