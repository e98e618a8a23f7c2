#pragma once

// The fake provider's control interface for tests and demos: plain HTTP, JSON bodies.
//
//   GET  /state                 mode, listening, port, tokens, accounts, history, webhooks (per
//                               token), counters
//   GET  /received?path=/x      the recorded provider requests (all when no path), in order
//   POST /reset                 forget requests and idempotency keys; mode normal
//   POST /mode                  {"mode":"normal|up|down|slow|failing","delay_ms":n,"status":n,
//                                "count":n}  (count: failing requests before normal; 0 = until
//                                reset or the next /mode)
//   POST /tokens                {"token":"..."}  one more client token the provider accepts
//   POST /accounts              {"accounts":[{id, channel_code, name}...]} or {"channels":n};
//                               an empty list makes a single-channel provider
//   POST /history               {"messages":[...],"page_size":n}  what message_history serves
//   POST /push                  {"switchboard":"http://127.0.0.1:P","token","path","method",
//                                "body","idempotency_key"}  calls Switchboard as the provider,
//                               answers with Switchboard's status and body

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "tools/fake_provider/fake_provider.hpp"
#include "tools/fake_provider/http_listener.hpp"

namespace switchboard::tools::fake_provider {

class ControlApi {
 public:
  ControlApi(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint,
             FakeProvider& provider);

  std::uint16_t port() const { return listener_.port(); }

 private:
  void serve(const Request& request, const Reply& reply);
  void handle(const Request& request, const Reply& reply);
  Answer set_mode(const rapidjson::Value& body);

  boost::asio::io_context& io_;
  FakeProvider& provider_;
  HttpListener listener_;
};

}  // namespace switchboard::tools::fake_provider
