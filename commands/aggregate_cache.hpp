#pragma once

#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace switchboard::commands {

// A bounded LRU of aggregate states by stream id. An entry may be stale (another node appended):
// the append's expected version finds that out, and the pipeline then reads only the newer
// events. So a long stream costs one full read, not one per command. Entries are shared and
// never changed while cached: a command reads a chat with a long history without copying it.
// Whoever moves a state on changes it in place only when nobody else holds it, taking it out of
// the cache first (take_unshared), and copies it otherwise: a reader never sees a state change
// under it, and a long stream's state is not copied per command. Every Entry is
// therefore created mutable (std::make_shared<Entry>), never as a const object, though handed
// out as const. Each entry remembers when the store last confirmed it (a read or an append), for
// readers that accept a state only so old.
template <class State>
class AggregateCache {
 public:
  struct Entry {
    State state;
    std::int64_t version = 0;
    std::int64_t snapshot_version = 0;  // of the newest snapshot saved or restored (0: none)
  };
  using EntryPtr = std::shared_ptr<const Entry>;

  explicit AggregateCache(std::size_t capacity) : capacity_(capacity) {}

  using Clock = std::chrono::steady_clock;

  // The cached entry, or null when there is none confirmed within `max_age`.
  EntryPtr get(const std::string& stream_id, Clock::duration max_age = Clock::duration::max()) {
    std::lock_guard lock(mutex_);
    auto it = index_.find(stream_id);
    if (it == index_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second);
    if (Clock::now() - it->second->confirmed_at > max_age) return nullptr;
    return it->second->entry;
  }

  // Keeps the newer of what is cached and what is offered; either way the store has just
  // confirmed it.
  void put(const std::string& stream_id, EntryPtr entry) {
    std::lock_guard lock(mutex_);
    if (auto it = index_.find(stream_id); it != index_.end()) {
      if (it->second->entry->version <= entry->version) it->second->entry = std::move(entry);
      it->second->confirmed_at = Clock::now();
      order_.splice(order_.begin(), order_, it->second);
      return;
    }
    order_.push_front({stream_id, std::move(entry), Clock::now()});
    index_[stream_id] = order_.begin();
    if (index_.size() > capacity_) {
      index_.erase(order_.back().stream_id);
      order_.pop_back();
    }
  }

  // Removes `entry` from the cache when the caller's pointer is its only other holder, so that
  // nobody can reach it any more and the caller may change it; whether it did. Checked under the
  // lock, since get() is the only way to a new holder of a cached entry. A shared entry stays
  // cached: readers keep finding it while the caller copies it.
  bool take_unshared(const std::string& stream_id, const EntryPtr& entry) {
    std::lock_guard lock(mutex_);
    auto it = index_.find(stream_id);
    if (it == index_.end() || it->second->entry != entry || entry.use_count() != 2) return false;
    order_.erase(it->second);
    index_.erase(it);
    return true;
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return index_.size();
  }

 private:
  struct Item {
    std::string stream_id;
    EntryPtr entry;
    Clock::time_point confirmed_at;
  };
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::list<Item> order_;
  std::unordered_map<std::string, typename std::list<Item>::iterator> index_;
};

}  // namespace switchboard::commands
