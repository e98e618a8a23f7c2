#pragma once

#include <string>

#include "api/auth/authenticator.hpp"
#include "api/cache/read_model_watch.hpp"
#include "commands/access/access_commands.hpp"
#include "commands/messaging/messaging_commands.hpp"
#include "commands/provider_platform/platform_commands.hpp"
#include "eventstore/connection_pool.hpp"
#include "eventstore/event_store.hpp"

namespace switchboard::api::wiring {

// What the routes work with, built from the database URL. Nothing connects on construction, so
// `switchboard --print-routes` builds the same thing without a database.
struct Runtime {
  explicit Runtime(const std::string& database_url)
      : store({.database_url = database_url}),
        read_models(database_url, 8),
        watch(database_url),
        auth(read_models, watch),
        platform(store),
        access(store),
        messaging(store) {}

  eventstore::EventStore store;
  eventstore::ConnectionPool read_models;
  // Started by the server only (main): until then nothing is served from a cache.
  cache::ReadModelWatch watch;
  auth::Authenticator auth;
  commands::provider_platform::PlatformCommands platform;
  commands::access::AccessCommands access;
  commands::messaging::MessagingCommands messaging;
};

}  // namespace switchboard::api::wiring
