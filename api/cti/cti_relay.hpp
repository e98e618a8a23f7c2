#pragma once

// Several nodes, one CTI socket: the node that holds the CTI ownership (see CtiService) serves
// commands and attach/detach requests for every node over NATS; the others forward theirs.
//
//   switchboard.cti.command  request/reply  {"login","rid","message"}
//                            answer         {"status","description","message"}
//   switchboard.cti.attach   request/reply  the CTI login; answered the same way, with the
//                                           CTI API's reply to AttachToUser
//   switchboard.cti.detach   publish        the CTI login

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>

#include "api/concurrency/work_pool.hpp"
#include "api/cti/connector.hpp"

namespace switchboard::api::nats {
class NatsClient;
}

namespace switchboard::api::cti {

class CtiRelay {
 public:
  using Answer = std::function<void(Reply)>;
  using CommandHandler =
      std::function<void(const std::string& login, std::string rid, std::string message, Answer)>;
  using AttachHandler = std::function<void(const std::string& login, Answer)>;
  using LoginHandler = std::function<void(const std::string& login)>;

  // Connects lazily; `timeout` bounds a forwarded request's wait for the owner's answer. The
  // subjects start with `subject_prefix` (one per cluster sharing the nats-server).
  CtiRelay(std::string nats_url, const std::string& subject_prefix,
           std::chrono::milliseconds timeout);
  ~CtiRelay();
  CtiRelay(const CtiRelay&) = delete;
  CtiRelay& operator=(const CtiRelay&) = delete;

  // Owner side: take every node's requests. False (with the reason logged) without NATS.
  bool serve(CommandHandler on_command, AttachHandler on_attach, LoginHandler on_detach);
  void stop_serving();
  // Stops serving and finishes the forwarded requests in flight (each within its timeout); one
  // forwarded afterwards is dropped (WorkPool::stop).
  void stop();

  // Other nodes. `done` is called once, from a relay thread, with the owner's answer or a
  // timeout/unavailable status.
  void forward_command(const std::string& login, std::string rid, std::string message, Answer done);
  void forward_attach(const std::string& login, Answer done);
  void forward_detach(const std::string& login);

 private:
  struct Subscriptions;
  nats::NatsClient* client();
  void request(const std::string& subject, std::string payload, Answer done);

  std::string url_;
  std::string command_subject_;
  std::string attach_subject_;
  std::string detach_subject_;
  std::chrono::milliseconds timeout_;
  std::mutex mutex_;
  std::unique_ptr<nats::NatsClient> client_;
  std::unique_ptr<Subscriptions> subscriptions_;
  // Shared by the NATS callbacks while they call a handler, exclusive while the handlers change:
  // the client library does not wait for a callback running when serving stops, which then finds
  // no handler instead of one being replaced or destroyed.
  std::shared_mutex handlers_mutex_;
  CommandHandler on_command_;
  AttachHandler on_attach_;
  LoginHandler on_detach_;
  // Blocking NATS requests wait here; declared last, so it finishes before the rest goes.
  concurrency::WorkPool requests_;
};

// The wire form of a Reply and back (also used by tests).
std::string reply_json(const Reply& reply);
Reply reply_from_json(const std::string& text);

}  // namespace switchboard::api::cti
