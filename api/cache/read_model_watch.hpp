#pragma once

// Tells a node when what it cached from the read models is outdated, without a query per request:
// one thread per node LISTENs on the projections' channels (a chat list changed, a token was
// revoked, a projection was rebuilt) and hands out stamps. An answer cached under a stamp may be
// served while the stamp is unchanged: as fresh as the projection plus the notification's trip.
// While the watch is not listening (starting, connection lost) every stamp is 0 and nothing may
// be served from a cache, since notifications sent meanwhile are lost; reconnecting drops all.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "api/listen/listening_thread.hpp"
#include "projections/access/access_tokens_projection.hpp"
#include "projections/messaging/messaging_projection.hpp"

namespace switchboard::api::cache {

class ReadModelWatch : private listen::Listener {
 public:
  // Chat lists of a tenant (payload: tenant id), from the messaging projection.
  static constexpr std::string_view chat_lists =
      projections::messaging::MessagingProjection::chat_list_channel;
  // Access tokens revoked (payload: the token's SHA-256), from the access_tokens projection.
  static constexpr std::string_view revoked_tokens =
      projections::access::AccessTokensProjection::revoked_channel;

  explicit ReadModelWatch(std::string database_url);
  ~ReadModelWatch() override;
  ReadModelWatch(const ReadModelWatch&) = delete;
  ReadModelWatch& operator=(const ReadModelWatch&) = delete;

  void start();
  void stop();

  // Changes whenever a notification on `channel` names `key`, or everything is dropped; 0 while
  // not listening. Read it before reading the read model, so a change committed meanwhile makes
  // what was read unusable rather than cached.
  std::uint64_t stamp(std::string_view channel, std::string_view key) const;

  // As if a notification on `channel` named `key`: for a change this node made and must not
  // serve the old answer for until the projection's notification comes back.
  void changed(std::string_view channel, std::string_view key);

 private:
  void listening() override;
  void lost() override;
  void notified(const std::string& channel, const std::string& key) override;
  Turn turn(pqxx::connection_base* connection) override;
  void drop_all(bool listening);

  mutable std::mutex mutex_;
  bool listening_ = false;
  std::uint64_t counter_ = 0;
  std::uint64_t dropped_ = 0;                                  // counter_ when all was dropped
  std::map<std::string, std::uint64_t, std::less<>> changed_;  // channel '\n' key -> counter_
  listen::ListeningThread thread_;
};

}  // namespace switchboard::api::cache
