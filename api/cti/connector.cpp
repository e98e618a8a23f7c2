#include "api/cti/connector.hpp"

#include <openssl/rand.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <map>
#include <thread>
#include <vector>

#include "eventstore/digest.hpp"

namespace switchboard::api::cti {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

constexpr const char* subprotocol = "nauphone-cti-protocol";
constexpr const char* protocol_version = "13";

std::string random_prefix() {
  unsigned char bytes[6];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return "node";
  return eventstore::hex(bytes, sizeof bytes);
}

std::string field(const rapidjson::Value& v, const char* name) {
  const auto it = v.FindMember(name);
  if (it == v.MemberEnd() || !it->value.IsString()) return {};
  return {it->value.GetString(), it->value.GetStringLength()};
}

std::string simple_command(const char* name, const std::string& rid, const std::string& login) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w{buffer};
  w.StartObject();
  w.Key("name");
  w.String(name);
  w.Key("rid");
  w.String(rid.c_str());
  if (!login.empty()) {
    w.Key("login");
    w.String(login.c_str());
  }
  if (std::string_view{name} == "SetProtocolVersion") {
    w.Key("protocolVersion");
    w.String(protocol_version);
  }
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace

std::optional<Url> parse_ws_url(const std::string& url) {
  constexpr std::string_view scheme = "ws://";
  if (!url.starts_with(scheme)) return std::nullopt;
  const auto rest = url.substr(scheme.size());
  const auto slash = rest.find('/');
  const auto authority = rest.substr(0, slash);
  Url out;
  out.target = slash == std::string::npos ? "/" : rest.substr(slash);
  const auto colon = authority.rfind(':');
  if (colon == std::string::npos) {
    out.host = authority;
    out.port = "8098";
  } else {
    out.host = authority.substr(0, colon);
    out.port = authority.substr(colon + 1);
  }
  if (out.host.empty() || out.port.empty() ||
      out.port.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return out;
}

// Everything below runs on the io thread; public methods post to it.
struct Connector::Impl : std::enable_shared_from_this<Impl> {
  struct Pending {
    std::function<void(Reply)> done;
    std::unique_ptr<net::steady_timer> timer;
  };

  Impl(ConnectorOptions o, EventSink s)
      : options(std::move(o)), sink(std::move(s)), rid_prefix(random_prefix()) {}

  ConnectorOptions options;
  EventSink sink;
  std::string rid_prefix;
  std::atomic<std::uint64_t> rid_counter{0};
  std::atomic<bool> ready{false};
  std::atomic<std::uint64_t> sessions{0};

  net::io_context io;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> guard;
  std::thread thread;
  bool stopping = false;

  std::optional<websocket::stream<beast::tcp_stream>> ws;
  std::uint64_t generation = 0;  // which connection a completion belongs to
  beast::flat_buffer buffer;
  std::deque<std::string> outbox;
  bool writing = false;
  std::chrono::milliseconds backoff{0};
  net::steady_timer retry_timer{io};
  tcp::resolver resolver{io};

  // Every login this node serves, kept across reconnects. A login the CTI API refuses is taken
  // out, so the next login of it asks again instead of being told Ok.
  struct Attachment {
    enum class State {
      unconfirmed,  // no verdict on this connection yet: sent again when asked or reconnected
      in_flight,    // AttachToUser sent; `waiters` get its reply
      attached,     // the CTI API answered Ok on this connection
    };
    State state = State::unconfirmed;
    std::vector<std::function<void(Reply)>> waiters;
    std::chrono::steady_clock::time_point asked{};  // the last attach() for it, not a reconcile
  };
  std::map<std::string, Attachment> logins;
  std::map<std::string, Pending> pending;

  std::string rid() { return rid_prefix + "-" + std::to_string(++rid_counter); }

  void start() {
    if (thread.joinable()) return;
    io.restart();
    stopping = false;
    guard.emplace(net::make_work_guard(io));
    thread = std::thread([self = shared_from_this()] { self->io.run(); });
    net::post(io, [self = shared_from_this()] { self->connect(); });
  }

  void stop() {
    if (!thread.joinable()) return;
    net::post(io, [self = shared_from_this()] {
      self->stopping = true;
      self->retry_timer.cancel();
      self->drop("the connector is stopping");
      self->guard.reset();
    });
    thread.join();
  }

  void connect() {
    if (stopping) return;
    const auto url = parse_ws_url(options.url);
    if (!url) {
      spdlog::error("cti: '{}' is not a ws://host:port/path URL; not connecting", options.url);
      return;
    }
    const auto gen = ++generation;
    resolver.async_resolve(url->host, url->port,
                           [self = shared_from_this(), gen, url = *url](
                               beast::error_code ec, tcp::resolver::results_type results) {
                             if (gen != self->generation) return;
                             if (ec)
                               return self->retry("resolve " + url.host + ": " + ec.message());
                             self->ws.emplace(self->io);
                             auto& layer = beast::get_lowest_layer(*self->ws);
                             layer.expires_after(std::chrono::seconds{5});
                             layer.async_connect(results, [self, gen, url](beast::error_code ec,
                                                                           const tcp::endpoint&) {
                               if (gen != self->generation) return;
                               if (ec) return self->retry("connect: " + ec.message());
                               self->handshake(gen, url);
                             });
                           });
  }

  void handshake(std::uint64_t gen, const Url& url) {
    beast::get_lowest_layer(*ws).expires_never();
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = std::chrono::seconds{5};
    timeouts.idle_timeout = std::chrono::seconds{15};
    timeouts.keep_alive_pings = true;
    ws->set_option(timeouts);
    ws->set_option(websocket::stream_base::decorator([](websocket::request_type& request) {
      request.set(beast::http::field::sec_websocket_protocol, subprotocol);
      request.set(beast::http::field::user_agent, "switchboard-cti-connector");
    }));
    auto response = std::make_shared<websocket::response_type>();
    ws->async_handshake(
        *response, url.host + ":" + url.port, url.target,
        [self = shared_from_this(), gen, response](beast::error_code ec) {
          if (gen != self->generation) return;
          if (ec) return self->retry("handshake: " + ec.message());
          if ((*response)[beast::http::field::sec_websocket_protocol] != subprotocol) {
            return self->retry("the server did not accept subprotocol nauphone-cti-protocol");
          }
          self->ws->text(true);
          self->read(gen);
          self->set_protocol_version(gen);
        });
  }

  void set_protocol_version(std::uint64_t gen) {
    const auto id = rid();
    request(id, simple_command("SetProtocolVersion", id, ""),
            [self = shared_from_this(), gen](Reply reply) {
              if (gen != self->generation) return;
              if (reply.status != Reply::Status::ok) {
                return self->retry("SetProtocolVersion refused: " +
                                   (reply.description.empty() ? reply.message : reply.description));
              }
              self->backoff = std::chrono::milliseconds{0};
              self->ready = true;
              ++self->sessions;
              spdlog::info("cti: connected to {} (protocol 13); attaching {} login(s)",
                           self->options.url, self->logins.size());
              for (auto& [login, attachment] : self->logins) self->send_attach(login, attachment);
            });
  }

  void send_attach(const std::string& login, Attachment& attachment) {
    attachment.state = Attachment::State::in_flight;
    const auto id = rid();
    request(
        id, simple_command("AttachToUser", id, login),
        [self = shared_from_this(), login](Reply reply) { self->on_attach_reply(login, reply); });
  }

  // The verdict on an AttachToUser, for every login of that CTI login waiting for it.
  void on_attach_reply(const std::string& login, const Reply& reply) {
    const auto it = logins.find(login);
    if (it == logins.end()) return;  // detached meanwhile; its waiters were answered then
    auto waiters = std::move(it->second.waiters);
    it->second.waiters.clear();
    switch (reply.status) {
      case Reply::Status::ok:
      case Reply::Status::data:
        it->second.state = Attachment::State::attached;
        break;
      case Reply::Status::error:
      case Reply::Status::parse_error:
        spdlog::warn("cti: AttachToUser {} refused: {}", login,
                     reply.description.empty() ? reply.message : reply.description);
        logins.erase(it);
        break;
      case Reply::Status::timeout:
      case Reply::Status::unavailable:
        spdlog::warn("cti: AttachToUser {}: {}", login, reply.description);
        it->second.state = Attachment::State::unconfirmed;
        break;
    }
    for (auto& done : waiters) done(reply);
  }

  void attach(const std::string& login, std::function<void(Reply)> done) {
    auto& attachment = logins[login];
    if (!ready) {
      // Sent with every other login once the connection is up.
      if (done) done(Reply{Reply::Status::unavailable, "not connected to the CTI API", {}});
      return;
    }
    // Another session of an attached login: the CTI API already sends its events.
    if (attachment.state == Attachment::State::attached) {
      if (done) done(Reply{Reply::Status::ok, {}, {}});
      return;
    }
    if (done) attachment.waiters.push_back(std::move(done));
    if (attachment.state == Attachment::State::unconfirmed) send_attach(login, attachment);
  }

  void detach(const std::string& login) {
    const auto it = logins.find(login);
    if (it == logins.end()) return;
    auto waiters = std::move(it->second.waiters);
    logins.erase(it);
    for (auto& done : waiters)
      done(Reply{
          Reply::Status::unavailable, "the login was detached before the CTI API answered", {}});
    if (!ready) return;
    const auto id = rid();
    request(id, simple_command("DetachFromUser", id, login), [login](Reply reply) {
      if (reply.status != Reply::Status::ok) {
        spdlog::warn("cti: DetachFromUser {} failed: {}", login, reply.description);
      }
    });
  }

  void reconcile(const std::set<std::string>& open, std::chrono::milliseconds grace) {
    const auto now = std::chrono::steady_clock::now();
    std::vector<std::string> unused;
    for (const auto& [login, attachment] : logins) {
      if (!open.contains(login) && now - attachment.asked > grace) unused.push_back(login);
    }
    for (const auto& login : unused) {
      spdlog::info("cti: {} has no open session left; detaching it", login);
      detach(login);
    }
    for (const auto& login : open) attach(login, {});
  }

  // Sends a command whose rid is `id` and arms its timeout.
  void request(const std::string& id, std::string message, std::function<void(Reply)> done) {
    if (!ws) {
      done(Reply{Reply::Status::unavailable, "not connected to the CTI API", {}});
      return;
    }
    Pending p{std::move(done), std::make_unique<net::steady_timer>(io)};
    p.timer->expires_after(options.command_timeout);
    p.timer->async_wait([self = shared_from_this(), id](beast::error_code ec) {
      if (ec) return;
      self->complete(id, Reply{Reply::Status::timeout, "the CTI API did not answer in time", {}});
    });
    pending[id] = std::move(p);
    write(std::move(message));
  }

  void complete(const std::string& id, Reply reply) {
    const auto it = pending.find(id);
    if (it == pending.end()) return;
    auto done = std::move(it->second.done);
    it->second.timer->cancel();
    pending.erase(it);
    done(std::move(reply));
  }

  void write(std::string message) {
    outbox.push_back(std::move(message));
    if (!writing) write_next(generation);
  }

  void write_next(std::uint64_t gen) {
    if (outbox.empty() || !ws) {
      writing = false;
      return;
    }
    writing = true;
    ws->async_write(net::buffer(outbox.front()),
                    [self = shared_from_this(), gen](beast::error_code ec, std::size_t) {
                      if (gen != self->generation) return;
                      self->outbox.pop_front();
                      if (ec) return self->retry("write: " + ec.message());
                      self->write_next(gen);
                    });
  }

  void read(std::uint64_t gen) {
    ws->async_read(buffer, [self = shared_from_this(), gen](beast::error_code ec, std::size_t) {
      if (gen != self->generation) return;
      if (ec) return self->retry("read: " + ec.message());
      auto text = beast::buffers_to_string(self->buffer.data());
      self->buffer.consume(self->buffer.size());
      self->dispatch(std::move(text));
      self->read(gen);
    });
  }

  void dispatch(std::string text) {
    rapidjson::Document d;
    d.Parse(text.data(), text.size());
    if (d.HasParseError() || !d.IsObject()) {
      spdlog::warn("cti: ignoring a message that is not a JSON object: {}", text.substr(0, 200));
      return;
    }
    const auto name = field(d, "name");
    const auto id = field(d, "rid");
    if (!id.empty()) {
      // Only replies carry a rid; one nobody waits for any more came after its timeout.
      if (!pending.contains(id)) {
        spdlog::info("cti: late or unknown reply dropped: {}", text.substr(0, 200));
        return;
      }
      Reply reply;
      reply.message = text;
      reply.description = field(d, "description");
      reply.status = name == "Ok"           ? Reply::Status::ok
                     : name == "Error"      ? Reply::Status::error
                     : name == "ParseError" ? Reply::Status::parse_error
                                            : Reply::Status::data;
      return complete(id, std::move(reply));
    }
    const auto login = field(d, "login");
    if (login.empty()) {
      spdlog::debug("cti: service message {}", text.substr(0, 200));
      return;
    }
    sink(login, std::move(text));
  }

  // Ends the current connection: every waiting command fails, nothing more is read or written.
  void drop(const std::string& why) {
    ++generation;
    ready = false;
    writing = false;
    outbox.clear();
    if (ws) {
      beast::error_code ignored;
      beast::get_lowest_layer(*ws).socket().close(ignored);
      ws.reset();
    }
    auto waiting = std::move(pending);
    pending.clear();
    for (auto& [id, p] : waiting) {
      p.timer->cancel();
      p.done(Reply{Reply::Status::unavailable, "the CTI connection was lost: " + why, {}});
    }
  }

  void retry(const std::string& why) {
    drop(why);
    if (stopping) return;
    backoff = std::clamp(backoff * 2, options.min_backoff, options.max_backoff);
    spdlog::warn("cti: {} ({}); reconnecting in {} ms", options.url, why, backoff.count());
    retry_timer.expires_after(backoff);
    retry_timer.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->connect();
    });
  }
};

Connector::Connector(ConnectorOptions options, EventSink sink)
    : impl_(std::make_shared<Impl>(std::move(options), std::move(sink))) {}

Connector::~Connector() {
  stop();
}

void Connector::start() {
  impl_->start();
}

void Connector::stop() {
  impl_->stop();
}

// The calls below are queued to the io thread holding no share of the Impl: that thread runs only
// while the Connector lives (stop() joins it), and a call queued when it does not run (before
// start, after stop) must go with the Impl's io_context rather than keep the Impl, and with it
// that io_context, alive for good.

void Connector::attach(const std::string& login, std::function<void(Reply)> done) {
  net::post(impl_->io, [impl = impl_.get(), login, done = std::move(done)]() mutable {
    impl->logins[login].asked = std::chrono::steady_clock::now();
    impl->attach(login, std::move(done));
  });
}

void Connector::detach(const std::string& login) {
  net::post(impl_->io, [impl = impl_.get(), login] { impl->detach(login); });
}

void Connector::reconcile(std::set<std::string> open, std::chrono::milliseconds grace) {
  net::post(impl_->io,
            [impl = impl_.get(), open = std::move(open), grace] { impl->reconcile(open, grace); });
}

std::string Connector::next_rid() {
  return impl_->rid();
}

void Connector::send(std::string rid, std::string message, std::function<void(Reply)> done) {
  net::post(impl_->io, [impl = impl_.get(), rid = std::move(rid), message = std::move(message),
                        done = std::move(done)]() mutable {
    if (!impl->ready) {
      return done(Reply{Reply::Status::unavailable, "not connected to the CTI API", {}});
    }
    impl->request(rid, std::move(message), std::move(done));
  });
}

bool Connector::ready() const {
  return impl_->ready.load();
}

std::uint64_t Connector::sessions() const {
  return impl_->sessions.load();
}

}  // namespace switchboard::api::cti
