#pragma once

// Values kept with the ReadModelWatch stamp they were read under; a lookup with another stamp
// (or stamp 0: the watch is not listening) misses.

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace switchboard::api::cache {

template <class Value>
class StampedCache {
 public:
  explicit StampedCache(std::size_t capacity) : capacity_(capacity) {}

  std::shared_ptr<const Value> find(const std::string& key, std::uint64_t stamp) const {
    if (stamp == 0) return nullptr;
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(key);
    return it != entries_.end() && it->second.stamp == stamp ? it->second.value : nullptr;
  }

  void store(const std::string& key, std::uint64_t stamp, std::shared_ptr<const Value> value) {
    if (stamp == 0) return;
    std::lock_guard lock(mutex_);
    // Outdated entries are only replaced, never swept: starting over when full keeps the bound
    // without bookkeeping, and refilling costs one read per key.
    if (entries_.size() >= capacity_ && !entries_.contains(key)) entries_.clear();
    entries_[key] = {stamp, std::move(value)};
  }

 private:
  struct Entry {
    std::uint64_t stamp = 0;
    std::shared_ptr<const Value> value;
  };
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace switchboard::api::cache
