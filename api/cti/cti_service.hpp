#pragma once

// Everything the CTI routes need, built by main: agents and sessions, the line commands, the
// recorder of CTI events, the WebSocket connector and the long-poll feed.
//
// Of all nodes sharing a database, one holds the CTI connection: the one holding the PostgreSQL
// advisory lock `cti owner` (on a session of its own, so the lock goes when the node or its
// connection dies, and another node takes over within about a second). The owner attaches every
// login with an open session and serves the other nodes' commands over NATS (CtiRelay); events
// reach every node through the event store.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <pqxx/connection>
#include <string>
#include <thread>

#include "api/concurrency/work_pool.hpp"
#include "api/cti/connector.hpp"
#include "api/cti/cti_relay.hpp"
#include "api/cti/event_feed.hpp"
#include "api/cti/login_queue.hpp"
#include "commands/cti/agent_commands.hpp"
#include "commands/cti/event_recorder.hpp"
#include "commands/cti/line_commands.hpp"
#include "commands/cti/session_commands.hpp"

namespace switchboard::eventstore {
class ConnectionPool;
}

namespace switchboard::api::cti {

struct CtiSettings {
  std::string database_url;
  std::string nats_url;
  std::string nats_prefix = "switchboard";  // the relay's subjects start with it
  ConnectorOptions connector;
  // The longest long-poll wait; kept below the server's request timeout.
  std::chrono::milliseconds max_wait{25'000};
  // The HTTP listener speaks TLS: the session cookie is marked Secure, so a browser never sends
  // it over plain HTTP.
  bool secure_cookie = false;
  LoginQueueSettings logins;
};

class CtiService {
 public:
  // Opens no connection: start() does.
  CtiService(eventstore::EventStore& store, CtiSettings settings);
  ~CtiService();
  CtiService(const CtiService&) = delete;
  CtiService& operator=(const CtiService&) = delete;

  // Takes the CTI ownership if no other node has it (then connects to the CTI API and attaches
  // every login that has an open session) and keeps trying in the background if not.
  void start();
  // Answers the held long-polls and lets go of the CTI connection, while the server can still
  // write the answers.
  void stop();
  // Once the server takes no more requests: runs the work still queued here (its answers may go
  // nowhere now) and joins every thread, so nothing of it outlives what it answers through (the
  // router, the error log). The destructor does it too.
  void finish();

  commands::cti::SessionCommands& sessions() { return sessions_; }
  commands::cti::LineCommands& lines() { return lines_; }
  EventFeed& feed() { return feed_; }
  Connector& connector() { return connector_; }
  commands::cti::EventRecorder& recorder() { return recorder_; }
  std::chrono::milliseconds max_wait() const { return settings_.max_wait; }
  bool secure_cookie() const { return settings_.secure_cookie; }
  bool owner() const { return owner_.load(); }

  // Runs a request's blocking part (authentication, commands) off the HTTP server's threads.
  void post(std::function<void()> job) { work_.post(std::move(job)); }
  // The same for logins, on threads of their own.
  LoginQueue& logins() { return logins_; }

  // Sends a command for `cti_login` to the CTI API; `done` gets the reply (from another thread).
  void send(const std::string& cti_login, std::string rid, std::string message,
            std::function<void(Reply)> done);

  // After a login: the CTI API starts sending the login's events. `done` gets the CTI API's reply
  // to AttachToUser (from another thread), or timeout/unavailable: the login then stays
  // remembered and is attached when the CTI connection is (back) up.
  void attach(const std::string& cti_login, std::function<void(Reply)> done);
  // Ends the session (recorded with `reason`) and detaches its CTI login unless another open
  // session still needs it.
  commands::CommandOutcome end_session(const commands::cti::AuthenticatedAgent& agent,
                                       const std::string& reason,
                                       const commands::CommandContext& context);

 private:
  void release(const std::string& cti_login, const std::string& ended_session_id);
  void try_take_ownership();
  void lose_ownership();
  void keep_ownership();
  void reconcile_attachments();

  CtiSettings settings_;
  commands::cti::AgentCommands agents_;
  commands::cti::SessionCommands sessions_;
  commands::cti::LineCommands lines_;
  commands::cti::EventRecorder recorder_;
  Connector connector_;
  EventFeed feed_;
  std::unique_ptr<eventstore::ConnectionPool> pool_;
  CtiRelay relay_;
  std::atomic<bool> owner_{false};
  std::unique_ptr<pqxx::connection> lock_connection_;  // the ownership thread's only
  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread ownership_;
  concurrency::WorkPool work_{16};
  LoginQueue logins_;
};

}  // namespace switchboard::api::cti
