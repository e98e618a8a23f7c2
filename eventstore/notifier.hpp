#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace pqxx {
class transaction_base;
}

namespace switchboard::eventstore {

// Wakes readers when events are appended (PostgreSQL NOTIFY from append_batch). One LISTEN session
// serves every reader of a runner (projections/runner.hpp): PostgreSQL signals each listening
// session on every commit that notifies, which cost ~16 µs of its CPU per inbound message with a
// session per projection.
//
// A notification names the appending transaction and the event types it appended, and wakes only
// the readers that read one of those types: most batches concern one or two of a runner's
// readers, and waking the rest cost each a page read and a checkpoint move per batch. A reader
// left asleep passes the other events at its next wake-up or poll (the timeout given to
// wait_for), so who needs it past a position asks for that with wake_readers. A lost wake-up
// costs only latency.
class Notifier {
 public:
  // Starts listening at once, on a thread of its own; reconnects by itself.
  explicit Notifier(std::string url);
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // One reader's place in the notifications: a wait returns at once for appends notified since
  // the reader's previous wait (or its creation), so nothing notified between two waits is missed.
  class Reader {
   public:
    // `name` is what wake_readers addresses; `types` are the event types the reader reads, every
    // type when empty.
    Reader(Notifier& notifier, std::string name, std::vector<std::string> types);
    ~Reader();
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;

    // True when woken by an append (or wake_all), false on timeout.
    bool wait_for(std::chrono::milliseconds timeout);

    // The reader has read the log as far as transaction `tx_id` (its page's last position). A
    // wanted append's events stay hidden from readers while an older transaction is open; until
    // the reader has read that far, every notification wakes it, as the older transaction's end
    // (which may append nothing it wants) is what shows them.
    void read_through(std::uint64_t tx_id);

   private:
    friend class Notifier;
    bool wants(std::string_view types) const;
    void wake();

    Notifier& notifier_;
    const std::string name_;
    std::vector<std::string> types_;  // sorted
    std::condition_variable woken_;
    std::uint64_t generation_ = 0;  // wake-ups so far
    std::uint64_t seen_ = 0;        // generation_ at the last wait
    std::uint64_t owed_ = 0;        // the latest transaction that appended a wanted event
    std::uint64_t read_ = 0;        // read_through's latest
  };

  // Wakes every reader as an append would: they look again (at shutdown, for their stop flag).
  void wake_all();

 private:
  void listen();
  void deliver(std::string_view payload);

  const std::string url_;
  std::mutex mutex_;  // guards everything below and every reader's state
  std::condition_variable stopped_;
  std::vector<Reader*> readers_;
  bool stopping_ = false;
  std::thread thread_;  // last: started once the rest is
};

// Wakes the readers named `name`, or every reader when it is empty, of every runner listening to
// the database (on any node), once `tx` commits: they read the log up to its end, so their
// checkpoints pass whatever they did not want.
void wake_readers(pqxx::transaction_base& tx, std::string_view name);

// How often one who waits for readers wakes them again: the read a wake-up caused may have found
// the events still hidden by an open transaction, perhaps of another database of the cluster,
// whose end notifies nobody here.
inline constexpr std::chrono::milliseconds kWakeAgain{250};

}  // namespace switchboard::eventstore
