#include "api/cti/cti_relay.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include <optional>

#include "api/nats/nats_client.hpp"

namespace switchboard::api::cti {
namespace {

// Blocking NATS requests wait on these; more than the commands in flight at once on one node is
// rarely needed.
constexpr int relay_threads = 8;

constexpr std::pair<Reply::Status, const char*> status_names[] = {
    {Reply::Status::ok, "ok"},           {Reply::Status::data, "data"},
    {Reply::Status::error, "error"},     {Reply::Status::parse_error, "parse_error"},
    {Reply::Status::timeout, "timeout"}, {Reply::Status::unavailable, "unavailable"},
};

std::string field(const rapidjson::Value& v, const char* name) {
  const auto it = v.FindMember(name);
  if (it == v.MemberEnd() || !it->value.IsString()) return {};
  return {it->value.GetString(), it->value.GetStringLength()};
}

// A request's payload and how to answer it; nullopt for a message without a reply inbox.
struct Incoming {
  std::string payload;
  CtiRelay::Answer answer;
};
std::optional<Incoming> take_request(natsConnection* connection, natsMsg* msg) {
  const std::string reply_to = natsMsg_GetReply(msg) != nullptr ? natsMsg_GetReply(msg) : "";
  std::string payload{natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg))};
  natsMsg_Destroy(msg);
  if (reply_to.empty()) return std::nullopt;
  return Incoming{std::move(payload), [connection, reply_to](Reply reply) {
                    const auto text = reply_json(reply);
                    natsConnection_Publish(connection, reply_to.c_str(), text.data(),
                                           static_cast<int>(text.size()));
                  }};
}

}  // namespace

std::string reply_json(const Reply& reply) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w{buffer};
  w.StartObject();
  w.Key("status");
  for (const auto& [status, name] : status_names) {
    if (status == reply.status) w.String(name);
  }
  w.Key("description");
  w.String(reply.description.c_str());
  w.Key("message");
  w.String(reply.message.c_str());
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

Reply reply_from_json(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.data(), text.size());
  if (d.HasParseError() || !d.IsObject()) {
    return Reply{Reply::Status::unavailable, "unreadable answer from the CTI owner node", {}};
  }
  Reply reply{Reply::Status::unavailable, field(d, "description"), field(d, "message")};
  const auto status = field(d, "status");
  for (const auto& [s, name] : status_names) {
    if (status == name) reply.status = s;
  }
  return reply;
}

struct CtiRelay::Subscriptions {
  natsSubscription* command = nullptr;
  natsSubscription* attach = nullptr;
  natsSubscription* detach = nullptr;
  ~Subscriptions() {
    for (auto* s : {command, attach, detach}) {
      if (s != nullptr) {
        natsSubscription_Unsubscribe(s);
        natsSubscription_Destroy(s);
      }
    }
  }
};

CtiRelay::CtiRelay(std::string nats_url, const std::string& subject_prefix,
                   std::chrono::milliseconds timeout)
    : url_(std::move(nats_url)),
      command_subject_(subject_prefix + ".cti.command"),
      attach_subject_(subject_prefix + ".cti.attach"),
      detach_subject_(subject_prefix + ".cti.detach"),
      timeout_(timeout),
      requests_(relay_threads) {}

CtiRelay::~CtiRelay() {
  stop_serving();
}

nats::NatsClient* CtiRelay::client() {
  if (!client_) {
    std::string error;
    client_ = nats::NatsClient::connect(url_, error);
    if (!client_) spdlog::warn("cti relay: {}", error);
  }
  return client_.get();
}

bool CtiRelay::serve(CommandHandler on_command, AttachHandler on_attach, LoginHandler on_detach) {
  std::lock_guard lock(mutex_);
  auto* c = client();
  if (c == nullptr) return false;
  {
    std::unique_lock handlers{handlers_mutex_};
    on_command_ = std::move(on_command);
    on_attach_ = std::move(on_attach);
    on_detach_ = std::move(on_detach);
  }
  auto subs = std::make_unique<Subscriptions>();
  const auto command_handler = [](natsConnection* connection, natsSubscription*, natsMsg* msg,
                                  void* closure) {
    auto request = take_request(connection, msg);
    if (!request) return;
    rapidjson::Document d;
    d.Parse(request->payload.data(), request->payload.size());
    if (d.HasParseError() || !d.IsObject()) return;
    auto* relay = static_cast<CtiRelay*>(closure);
    std::shared_lock handlers{relay->handlers_mutex_};
    if (!relay->on_command_) return;
    relay->on_command_(field(d, "login"), field(d, "rid"), field(d, "message"),
                       std::move(request->answer));
  };
  const auto attach_handler = [](natsConnection* connection, natsSubscription*, natsMsg* msg,
                                 void* closure) {
    auto request = take_request(connection, msg);
    if (!request) return;
    auto* relay = static_cast<CtiRelay*>(closure);
    std::shared_lock handlers{relay->handlers_mutex_};
    if (relay->on_attach_) relay->on_attach_(request->payload, std::move(request->answer));
  };
  const auto detach_handler = [](natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
    const std::string login{natsMsg_GetData(msg),
                            static_cast<std::size_t>(natsMsg_GetDataLength(msg))};
    natsMsg_Destroy(msg);
    auto* relay = static_cast<CtiRelay*>(closure);
    std::shared_lock handlers{relay->handlers_mutex_};
    if (relay->on_detach_) relay->on_detach_(login);
  };
  natsStatus s = natsConnection_QueueSubscribe(&subs->command, c->raw(), command_subject_.c_str(),
                                               "cti", command_handler, this);
  if (s == NATS_OK) {
    s = natsConnection_QueueSubscribe(&subs->attach, c->raw(), attach_subject_.c_str(), "cti",
                                      attach_handler, this);
  }
  if (s == NATS_OK) {
    s = natsConnection_Subscribe(&subs->detach, c->raw(), detach_subject_.c_str(), detach_handler,
                                 this);
  }
  if (s == NATS_OK) s = natsConnection_Flush(c->raw());
  if (s != NATS_OK) {
    spdlog::warn("cti relay: cannot subscribe: {}", natsStatus_GetText(s));
    return false;
  }
  subscriptions_ = std::move(subs);
  return true;
}

void CtiRelay::stop_serving() {
  std::lock_guard lock(mutex_);
  subscriptions_.reset();
  std::unique_lock handlers{handlers_mutex_};
  on_command_ = nullptr;
  on_attach_ = nullptr;
  on_detach_ = nullptr;
}

void CtiRelay::stop() {
  stop_serving();
  requests_.stop();
}

void CtiRelay::forward_command(const std::string& login, std::string rid, std::string message,
                               Answer done) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w{buffer};
  w.StartObject();
  w.Key("login");
  w.String(login.c_str());
  w.Key("rid");
  w.String(rid.c_str());
  w.Key("message");
  w.String(message.c_str());
  w.EndObject();
  request(command_subject_, {buffer.GetString(), buffer.GetSize()}, std::move(done));
}

void CtiRelay::forward_attach(const std::string& login, Answer done) {
  request(attach_subject_, login, std::move(done));
}

void CtiRelay::request(const std::string& subject, std::string payload, Answer done) {
  requests_.post([this, subject, payload = std::move(payload), done = std::move(done)] {
    natsConnection* connection = nullptr;
    {
      std::lock_guard lock(mutex_);
      if (auto* c = client()) connection = c->raw();
    }
    if (connection == nullptr) {
      return done(
          Reply{Reply::Status::unavailable, "no NATS connection to the CTI owner node", {}});
    }
    natsMsg* answer = nullptr;
    const natsStatus s =
        natsConnection_Request(&answer, connection, subject.c_str(), payload.data(),
                               static_cast<int>(payload.size()), timeout_.count());
    if (s == NATS_TIMEOUT) {
      return done(Reply{Reply::Status::timeout, "the CTI owner node did not answer in time", {}});
    }
    if (s != NATS_OK) {
      return done(Reply{Reply::Status::unavailable,
                        std::string{"no node holds the CTI connection: "} + natsStatus_GetText(s),
                        {}});
    }
    const std::string text{natsMsg_GetData(answer),
                           static_cast<std::size_t>(natsMsg_GetDataLength(answer))};
    natsMsg_Destroy(answer);
    done(reply_from_json(text));
  });
}

void CtiRelay::forward_detach(const std::string& login) {
  std::lock_guard lock(mutex_);
  if (auto* c = client())
    natsConnection_PublishString(c->raw(), detach_subject_.c_str(), login.c_str());
}

}  // namespace switchboard::api::cti
