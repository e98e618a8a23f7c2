#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <pqxx/connection>
#include <pqxx/except>
#include <string>
#include <utility>
#include <vector>

namespace switchboard::eventstore {

// A fixed set of connections opened lazily; a broken one is replaced on its next use.
class ConnectionPool {
 public:
  // Session settings (name, value) every connection of the pool starts with.
  using Settings = std::vector<std::pair<std::string, std::string>>;

  ConnectionPool(std::string url, int size, Settings settings = {});

  class Lease {
   public:
    Lease(ConnectionPool& pool, std::unique_ptr<pqxx::connection> connection);
    Lease(Lease&& other) noexcept
        : pool_(std::exchange(other.pool_, nullptr)), connection_(std::move(other.connection_)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    pqxx::connection& operator*() { return *connection_; }
    pqxx::connection* operator->() { return connection_.get(); }
    // A connection that threw a broken_connection is dropped instead of returned.
    void discard() { connection_.reset(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<pqxx::connection> connection_;
  };

  Lease acquire();

  // Runs fn(connection) and retries once on a fresh connection when the old one was broken.
  template <class Fn>
  auto with_connection(Fn&& fn) {
    for (int attempt = 0;; ++attempt) {
      auto lease = acquire();
      try {
        return fn(*lease);
      } catch (const pqxx::broken_connection&) {
        lease.discard();
        if (attempt > 0) throw;
      }
    }
  }

  const std::string& url() const { return url_; }

 private:
  void release(std::unique_ptr<pqxx::connection> connection);

  std::string url_;
  int size_;
  Settings settings_;
  int open_ = 0;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
};

}  // namespace switchboard::eventstore
