#pragma once

#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace switchboard::commands {

// A bounded LRU of aggregate states by stream id. An entry may be stale (another node appended):
// the append's expected version finds that out, and the pipeline then reads only the newer
// events. So a long stream costs one full read, not one per command.
template <class State>
class AggregateCache {
 public:
  struct Entry {
    State state;
    std::int64_t version = 0;
  };

  explicit AggregateCache(std::size_t capacity) : capacity_(capacity) {}

  std::optional<Entry> get(const std::string& stream_id) {
    std::lock_guard lock(mutex_);
    auto it = index_.find(stream_id);
    if (it == index_.end()) return std::nullopt;
    order_.splice(order_.begin(), order_, it->second);
    return it->second->second;
  }

  // Keeps the newer of what is cached and what is offered.
  void put(const std::string& stream_id, Entry entry) {
    std::lock_guard lock(mutex_);
    if (auto it = index_.find(stream_id); it != index_.end()) {
      if (it->second->second.version <= entry.version) it->second->second = std::move(entry);
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
  using Item = std::pair<std::string, Entry>;
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::list<Item> order_;
  std::unordered_map<std::string, typename std::list<Item>::iterator> index_;
};

}  // namespace switchboard::commands
