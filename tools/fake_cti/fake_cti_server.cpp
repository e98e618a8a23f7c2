#include "tools/fake_cti/fake_cti_server.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>

namespace switchboard::tools::fake_cti {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr const char* subprotocol = "nauphone-cti-protocol";

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string text_field(const rapidjson::Value& v, const char* name) {
  const auto it = v.FindMember(name);
  if (it == v.MemberEnd()) return {};
  if (it->value.IsString()) return {it->value.GetString(), it->value.GetStringLength()};
  if (it->value.IsInt64()) return std::to_string(it->value.GetInt64());
  return {};
}

std::optional<bool> bool_field(const rapidjson::Value& v, const char* name) {
  const auto it = v.FindMember(name);
  if (it == v.MemberEnd() || !it->value.IsBool()) return std::nullopt;
  return it->value.GetBool();
}

// {"name":..., ["rid":...], ["login":...], extra...}
template <typename Extra>
std::string message(const char* name, const std::string& rid, const std::string& login,
                    Extra&& extra) {
  rapidjson::StringBuffer buffer;
  Writer w{buffer};
  w.StartObject();
  w.Key("name");
  w.String(name);
  if (!rid.empty()) {
    w.Key("rid");
    w.String(rid.c_str());
  }
  if (!login.empty()) {
    w.Key("login");
    w.String(login.c_str());
  }
  extra(w);
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::string simple(const char* name, const std::string& rid, const std::string& login = {}) {
  return message(name, rid, login, [](Writer&) {});
}

std::string error(const std::string& rid, const std::string& description,
                  const char* name = "Error") {
  return message(name, rid, {}, [&](Writer& w) {
    w.Key("description");
    w.String(description.c_str());
  });
}

void write_call(Writer& w, const Call& c) {
  w.Key("cid");
  w.String(c.cid.c_str());
  w.Key("type");
  w.String("call");
  w.Key("state");
  w.String(c.state.c_str());
  w.Key("direction");
  w.String(c.direction.c_str());
  w.Key("hold");
  w.Bool(c.hold);
  w.Key("muted");
  w.Bool(c.muted);
  w.Key("displayName");
  w.String(c.display_name.c_str());
  w.Key("creationTime");
  w.Int64(c.creation_time);
  if (c.answer_time != 0) {
    w.Key("answerTime");
    w.Int64(c.answer_time);
  }
  if (c.hangup_time != 0) {
    w.Key("hangupTime");
    w.Int64(c.hangup_time);
  }
  w.Key("params");
  w.StartObject();
  w.Key("sessionId");
  w.String(c.session_id.c_str());
  w.Key("caller");
  w.String(c.caller.c_str());
  w.Key("called");
  w.String(c.called.c_str());
  w.EndObject();
}

}  // namespace

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, FakeCtiServer& server) : ws_(std::move(socket)), server_(server) {}

  bool protocol_set = false;
  std::set<std::string> attached;

  void start() {
    auto request = std::make_shared<beast::http::request<beast::http::string_body>>();
    beast::http::async_read(
        ws_.next_layer(), buffer_, *request,
        [self = shared_from_this(), request](beast::error_code ec, std::size_t) {
          if (ec) return;
          if (!websocket::is_upgrade(*request)) return;
          const auto offered = std::string{(*request)[beast::http::field::sec_websocket_protocol]};
          if (offered.find(subprotocol) == std::string::npos) {
            spdlog::warn("fake-cti: refusing a client without subprotocol {}", subprotocol);
            return;
          }
          self->ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& r) {
            r.set(beast::http::field::sec_websocket_protocol, subprotocol);
          }));
          self->ws_.async_accept(*request, [self](beast::error_code ec) {
            if (ec) return;
            self->ws_.text(true);
            self->read();
          });
        });
  }

  void send(std::string text) {
    outbox_.push_back(std::move(text));
    if (outbox_.size() == 1) write_next();
  }

  void close() {
    beast::error_code ignored;
    ws_.next_layer().socket().shutdown(tcp::socket::shutdown_both, ignored);
    ws_.next_layer().socket().close(ignored);
  }

 private:
  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->server_.on_closed(self);
      auto text = beast::buffers_to_string(self->buffer_.data());
      self->buffer_.consume(self->buffer_.size());
      self->server_.on_message(self, text);
      self->read();
    });
  }

  void write_next() {
    ws_.async_write(net::buffer(outbox_.front()),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                      if (ec) {
                        self->outbox_.clear();
                        return;
                      }
                      self->outbox_.pop_front();
                      if (!self->outbox_.empty()) self->write_next();
                    });
  }

  websocket::stream<beast::tcp_stream> ws_;
  FakeCtiServer& server_;
  beast::flat_buffer buffer_;
  std::deque<std::string> outbox_;
};

FakeCtiServer::FakeCtiServer(net::io_context& io, const tcp::endpoint& endpoint)
    : io_(io), acceptor_(io) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen();
  accept();
}

FakeCtiServer::~FakeCtiServer() {
  drop_connections();
}

std::uint16_t FakeCtiServer::port() const {
  return acceptor_.local_endpoint().port();
}

void FakeCtiServer::accept() {
  acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (ec) return;
    auto session = std::make_shared<Session>(std::move(socket), *this);
    sessions_.insert(session);
    session->start();
    accept();
  });
}

void FakeCtiServer::on_closed(const std::shared_ptr<Session>& session) {
  sessions_.erase(session);
}

void FakeCtiServer::drop_connections() {
  for (const auto& s : sessions_) s->close();
  sessions_.clear();
}

void FakeCtiServer::reply(const std::shared_ptr<Session>& session, std::string text, bool delayed) {
  if (!delayed || delay_.count() == 0) return session->send(std::move(text));
  auto timer = std::make_shared<net::steady_timer>(io_, delay_);
  timer->async_wait([timer, session, text = std::move(text)](beast::error_code) mutable {
    session->send(std::move(text));
  });
}

void FakeCtiServer::emit(const std::string& login, const std::string& text) {
  for (const auto& s : sessions_) {
    if (s->protocol_set && s->attached.contains(login)) s->send(text);
  }
}

std::string FakeCtiServer::call_event(const char* name, const Call& call,
                                      const std::string& rid) const {
  return message(name, rid, call.login, [&](Writer& w) { write_call(w, call); });
}

std::string FakeCtiServer::calls_message(const std::string& login, const std::string& rid) const {
  return message("Calls", rid, login, [&](Writer& w) {
    w.Key("calls");
    w.StartArray();
    for (const auto& [cid, call] : calls_) {
      if (call.login != login) continue;
      w.StartObject();
      write_call(w, call);
      w.EndObject();
    }
    w.EndArray();
  });
}

std::string FakeCtiServer::user_state_message(const std::string& login,
                                              const std::string& rid) const {
  const auto it = user_states_.find(login);
  const std::string state = it == user_states_.end() ? "normal" : it->second;
  return message("UserState", rid, login, [&](Writer& w) {
    w.Key("state");
    w.String(state.c_str());
    w.Key("substates");
    w.StartArray();
    w.String("available");
    w.EndArray();
    w.Key("time");
    w.Int64(unix_now());
  });
}

void FakeCtiServer::on_message(const std::shared_ptr<Session>& session, const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.data(), text.size());
  if (d.HasParseError() || !d.IsObject()) {
    return session->send(error({}, "the message is not a JSON object", "ParseError"));
  }
  const auto rid = text_field(d, "rid");
  const auto name = text_field(d, "name");
  if (rid.empty()) {
    spdlog::info("fake-cti: ignoring a command without rid: {}", text);
    return;
  }
  command_log_.push_back(text);
  if (!session->protocol_set && name != "SetProtocolVersion") {
    return session->send(error(rid, "SetProtocolVersion must come first"));
  }
  handle_command(session, name, rid, text);
}

void FakeCtiServer::attach(const std::shared_ptr<Session>& session, const std::string& rid,
                           const std::string& login) {
  if (login.empty() || refused_logins_.contains(login)) {
    return session->send(error(rid, "unknown login " + login));
  }
  session->attached.insert(login);
  session->send(simple("Ok", rid));
  session->send(user_state_message(login, {}));
  session->send(calls_message(login, {}));
  session->send(message("Conferences", {}, login, [](Writer& w) {
    w.Key("conferences");
    w.StartArray();
    w.EndArray();
  }));
}

void FakeCtiServer::handle_command(const std::shared_ptr<Session>& session, const std::string& name,
                                   const std::string& rid, const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.data(), text.size());
  const auto login = text_field(d, "login");
  if (name == "SetProtocolVersion") {
    if (text_field(d, "protocolVersion") != "13") {
      return session->send(error(rid, "unsupported protocol version"));
    }
    session->protocol_set = true;
    return session->send(simple("Ok", rid));
  }
  if (name == "AttachToUser") {
    // A slow CTI API answers attaches late too: the window in which a second login of the same
    // CTI login must wait for the first one's verdict.
    if (delay_.count() > 0) {
      auto timer = std::make_shared<net::steady_timer>(io_, delay_);
      return timer->async_wait(
          [this, timer, session, rid, login](beast::error_code) { attach(session, rid, login); });
    }
    return attach(session, rid, login);
  }
  if (name == "DetachFromUser") {
    session->attached.erase(login);
    return session->send(simple("Ok", rid));
  }
  if (mode_ == ReplyMode::silent) return;
  if (mode_ == ReplyMode::error) return reply(session, error(rid, "refused (scripted)"), true);
  if (login.empty()) return reply(session, error(rid, "login is required"), true);

  const auto cid = text_field(d, "cid");
  const auto call = calls_.find(cid);
  const bool known = call != calls_.end() && call->second.login == login;
  const auto no_call = [&] {
    reply(session, error(rid, "no call " + cid + " for " + login), true);
  };

  if (name == "GetCalls") return reply(session, calls_message(login, rid), true);
  if (name == "GetUserState") return reply(session, user_state_message(login, rid), true);
  if (name == "ChangeUserState") {
    user_states_[login] = text_field(d, "state");
    reply(session, simple("Ok", rid), true);
    return emit(login, user_state_message(login, {}));
  }
  if (name == "MakeCall") {
    Call c;
    c.cid = std::to_string(next_cid_++);
    c.login = login;
    c.direction = "out";
    c.called = text_field(d, "phoneNumber");
    c.display_name = c.called;
    c.session_id = "fake-" + c.cid;
    c.creation_time = unix_now();
    calls_[c.cid] = c;
    reply(session, simple("Ok", rid), true);
    return emit(login, call_event("NewCall", c));
  }
  if (name == "Answer") {
    if (!known || call->second.state != "new") return no_call();
    call->second.state = "connected";
    call->second.answer_time = unix_now();
    reply(session, simple("Ok", rid), true);
    return emit(login, call_event("CallStatus", call->second));
  }
  if (name == "Hangup") {
    if (!known || call->second.state == "ended") return no_call();
    call->second.state = "ended";
    call->second.hangup_time = unix_now();
    reply(session, simple("Ok", rid), true);
    return emit(login, call_event("CallStatus", call->second));
  }
  if (name == "Hold" || name == "Mute") {
    if (!known || call->second.state == "ended") return no_call();
    const bool on = bool_field(d, "on").value_or(true);
    (name == "Hold" ? call->second.hold : call->second.muted) = on;
    reply(session, simple("Ok", rid), true);
    return emit(login, call_event("CallStatus", call->second));
  }
  if (name == "Close") {
    if (!known) return no_call();
    const auto closed = call->second;
    calls_.erase(call);
    reply(session, simple("Ok", rid), true);
    return emit(login, message("OnClose", {}, login, [&](Writer& w) {
                  w.Key("cid");
                  w.String(closed.cid.c_str());
                }));
  }
  if (name == "Transfer") {
    if (!known || call->second.state != "connected") return no_call();
    reply(session, simple("Ok", rid), true);
    const auto number = text_field(d, "phoneNumber");
    // Numbers starting with 000 do not exist, so tests can script a failed transfer.
    if (number.starts_with("000")) {
      return emit(login, message("TransferFailed", {}, login, [&](Writer& w) {
                    w.Key("cid");
                    w.String(cid.c_str());
                    w.Key("status");
                    w.Int(10);
                  }));
    }
    emit(login, message("TransferSucceed", {}, login, [&](Writer& w) {
           w.Key("cid");
           w.String(cid.c_str());
         }));
    call->second.state = "ended";
    call->second.hangup_time = unix_now();
    return emit(login, call_event("CallStatus", call->second));
  }
  if (name == "ConsultationTransfer" || name == "ConferenceTransfer" ||
      name == "TransferWithCallBack" || name == "BreakTransfer" || name == "SendDTMFSignal" ||
      name == "SetCallParam" || name == "SetActive") {
    return reply(session, simple("Ok", rid), true);
  }
  reply(session, error(rid, "unknown command " + name), true);
}

std::optional<Call> FakeCtiServer::incoming_call(const std::string& login,
                                                 const std::string& caller) {
  Call c;
  c.cid = std::to_string(next_cid_++);
  c.login = login;
  c.caller = caller;
  c.display_name = caller;
  c.session_id = "fake-" + c.cid;
  c.creation_time = unix_now();
  calls_[c.cid] = c;
  if (send_event(login, call_event("NewCall", c)) == 0) return std::nullopt;
  return c;
}

bool FakeCtiServer::far_end_hangup(const std::string& login, const std::string& cid) {
  const auto it = calls_.find(cid);
  if (it == calls_.end() || it->second.login != login || it->second.state == "ended") return false;
  it->second.state = "ended";
  it->second.hangup_time = unix_now();
  emit(login, call_event("CallStatus", it->second));
  return true;
}

bool FakeCtiServer::transfer_failed(const std::string& login, const std::string& cid, int status) {
  const auto it = calls_.find(cid);
  if (it == calls_.end() || it->second.login != login) return false;
  emit(login, message("TransferFailed", {}, login, [&](Writer& w) {
         w.Key("cid");
         w.String(cid.c_str());
         w.Key("status");
         w.Int(status);
       }));
  return true;
}

int FakeCtiServer::send_event(const std::string& login, const std::string& event) {
  rapidjson::Document d;
  d.Parse(event.data(), event.size());
  if (d.HasParseError() || !d.IsObject()) return 0;
  d.RemoveMember("login");
  d.AddMember("login", rapidjson::Value{login.c_str(), d.GetAllocator()}, d.GetAllocator());
  rapidjson::StringBuffer buffer;
  Writer w{buffer};
  d.Accept(w);
  const std::string text{buffer.GetString(), buffer.GetSize()};
  int sent = 0;
  for (const auto& s : sessions_) {
    if (s->protocol_set && s->attached.contains(login)) {
      s->send(text);
      ++sent;
    }
  }
  return sent;
}

void FakeCtiServer::set_reply_mode(ReplyMode mode, std::chrono::milliseconds delay) {
  mode_ = mode;
  delay_ = delay;
}

void FakeCtiServer::refuse_login(const std::string& login) {
  refused_logins_.insert(login);
}

std::string FakeCtiServer::state_json() const {
  rapidjson::StringBuffer buffer;
  Writer w{buffer};
  w.StartObject();
  w.Key("connections");
  w.Int(static_cast<int>(sessions_.size()));
  std::set<std::string> attached;
  int ready = 0;
  for (const auto& s : sessions_) {
    if (s->protocol_set) ++ready;
    attached.insert(s->attached.begin(), s->attached.end());
  }
  w.Key("ready");
  w.Int(ready);
  w.Key("attached");
  w.StartArray();
  for (const auto& login : attached) w.String(login.c_str());
  w.EndArray();
  w.Key("commands");
  w.StartArray();
  for (const auto& c : command_log_) w.RawValue(c.c_str(), c.size(), rapidjson::kObjectType);
  w.EndArray();
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace switchboard::tools::fake_cti
