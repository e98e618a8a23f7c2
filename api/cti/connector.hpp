#pragma once

// The WebSocket client of the contact centre's CTI API (docs: /work/shared/cti-protocol.md,
// docs/guides/cti.en.md). One connection per node, subprotocol `nauphone-cti-protocol`:
// SetProtocolVersion 13 first, then AttachToUser for every login the node serves. Each command
// carries its own rid and waits for the reply with that rid, for a limited time. A lost
// connection is re-made with a growing back-off and every attached login is attached again.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

namespace switchboard::api::cti {

struct Reply {
  enum class Status {
    ok,           // Ok
    data,         // a data message answering the command (Calls, UserState, ...)
    error,        // Error{description}: the CTI API refused
    parse_error,  // ParseError{description}: the CTI API could not read our message
    timeout,      // no reply in time
    unavailable,  // not connected, or the connection dropped before the reply
  };
  Status status = Status::unavailable;
  std::string description;
  std::string message;  // the reply as received, for ok/data/error/parse_error
};

struct ConnectorOptions {
  std::string url;  // ws://host:port/path
  std::chrono::milliseconds command_timeout{5000};
  std::chrono::milliseconds min_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
};

struct Url {
  std::string host;
  std::string port;
  std::string target;
};
// ws://host[:port][/path]; nullopt for anything else.
std::optional<Url> parse_ws_url(const std::string& url);

// Messages that are not replies, with the `login` they carry (CTI events). Called on the
// connector's thread: must not block.
using EventSink = std::function<void(const std::string& login, std::string message)>;

class Connector {
 public:
  // Connects nowhere until start(): print-routes and tests build it without a CTI API.
  Connector(ConnectorOptions options, EventSink sink);
  ~Connector();
  Connector(const Connector&) = delete;
  Connector& operator=(const Connector&) = delete;

  // May be called again after stop(): a node that loses the CTI ownership stops its connector
  // and starts it again when it wins the ownership back.
  void start();
  void stop();

  // Remembered across reconnects. `done` (optional) gets the reply to this AttachToUser.
  void attach(const std::string& login, std::function<void(Reply)> done = {});
  void detach(const std::string& login);
  // Brings the attached logins in line with `open` (the logins with open sessions): attaches each
  // of them and detaches every other login that attach() has not asked for within `grace` (so a
  // login whose session is not in `open` yet is kept). Sessions ended where no connector hears of
  // it (by switchboard-admin, by expiry) release their logins so.
  void reconcile(std::set<std::string> open, std::chrono::milliseconds grace);

  // A fresh request id, unique across nodes and restarts.
  std::string next_rid();
  // Sends `message` (a JSON object that already carries `rid`) and calls `done` once, from the
  // connector's thread, with the reply to that rid or a timeout/unavailable status.
  void send(std::string rid, std::string message, std::function<void(Reply)> done);

  // True between a successful SetProtocolVersion and the next disconnection.
  bool ready() const;
  // Sessions established so far (the first connection and every reconnection).
  std::uint64_t sessions() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace switchboard::api::cti
