#pragma once

// A contact centre's CTI API as /work/shared/cti-protocol.md describes it (protocol 13), for tests
// and demos: WebSocket with subprotocol nauphone-cti-protocol; commands before SetProtocolVersion
// are refused, commands without rid ignored, every command answered exactly once; calls are
// scripted through the control interface (control_api.hpp). Single-threaded: everything runs on
// the io_context given to it.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace switchboard::tools::fake_cti {

struct Call {
  std::string cid;
  std::string login;
  std::string state = "new";  // new, connected, ended
  std::string direction = "in";
  bool hold = false;
  bool muted = false;
  std::string display_name;
  std::string session_id;
  std::string caller;
  std::string called;
  std::int64_t creation_time = 0;
  std::int64_t answer_time = 0;
  std::int64_t hangup_time = 0;
};

enum class ReplyMode { normal, error, silent };

class Session;

class FakeCtiServer {
 public:
  FakeCtiServer(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint);
  ~FakeCtiServer();

  std::uint16_t port() const;

  // Scripting (the control interface).
  // An incoming call to `login`; nullopt when no connection has the login attached.
  std::optional<Call> incoming_call(const std::string& login, const std::string& caller);
  bool far_end_hangup(const std::string& login, const std::string& cid);
  bool transfer_failed(const std::string& login, const std::string& cid, int status);
  // Sends `event` (a JSON object; login is filled in) to the connections attached to `login`.
  int send_event(const std::string& login, const std::string& event);
  void set_reply_mode(ReplyMode mode, std::chrono::milliseconds delay);
  void refuse_login(const std::string& login);
  // Closes every connection, as a restart would.
  void drop_connections();
  // {"connections":n,"ready":n,"attached":[...],"commands":[...every command received...]}
  std::string state_json() const;

  // From sessions.
  void on_message(const std::shared_ptr<Session>& session, const std::string& text);
  void on_closed(const std::shared_ptr<Session>& session);

 private:
  void accept();
  void reply(const std::shared_ptr<Session>& session, std::string message, bool delayed);
  void emit(const std::string& login, const std::string& message);
  std::string call_event(const char* name, const Call& call, const std::string& rid = {}) const;
  std::string calls_message(const std::string& login, const std::string& rid) const;
  std::string user_state_message(const std::string& login, const std::string& rid) const;
  void handle_command(const std::shared_ptr<Session>& session, const std::string& name,
                      const std::string& rid, const std::string& text);
  void attach(const std::shared_ptr<Session>& session, const std::string& rid,
              const std::string& login);

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::set<std::shared_ptr<Session>> sessions_;
  std::map<std::string, Call> calls_;  // by cid
  std::map<std::string, std::string> user_states_;
  std::set<std::string> refused_logins_;
  std::vector<std::string> command_log_;
  std::uint64_t next_cid_ = 1;
  ReplyMode mode_ = ReplyMode::normal;
  std::chrono::milliseconds delay_{0};
};

}  // namespace switchboard::tools::fake_cti
