#pragma once

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
// never changed once cached: a command reads a chat with a long history without copying it, and
// only the command that appends makes the next state.
template <class State>
class AggregateCache {
 public:
  struct Entry {
    State state;
    std::int64_t version = 0;
  };
  using EntryPtr = std::shared_ptr<const Entry>;

  explicit AggregateCache(std::size_t capacity) : capacity_(capacity) {}

  EntryPtr get(const std::string& stream_id) {
    std::lock_guard lock(mutex_);
    auto it = index_.find(stream_id);
    if (it == index_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second);
    return it->second->second;
  }

  // Keeps the newer of what is cached and what is offered.
  void put(const std::string& stream_id, EntryPtr entry) {
    std::lock_guard lock(mutex_);
    if (auto it = index_.find(stream_id); it != index_.end()) {
      if (it->second->second->version <= entry->version) it->second->second = std::move(entry);
      order_.splice(order_.begin(), order_, it->second);
      return;
    }
    order_.emplace_front(stream_id, std::move(entry));
    index_[stream_id] = order_.begin();
    if (index_.size() > capacity_) {
      index_.erase(order_.back().first);
      order_.pop_back();
    }
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return index_.size();
  }

 private:
  using Item = std::pair<std::string, EntryPtr>;
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::list<Item> order_;
  std::unordered_map<std::string, typename std::list<Item>::iterator> index_;
};

}  // namespace switchboard::commands
