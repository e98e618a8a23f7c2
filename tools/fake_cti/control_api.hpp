#pragma once

// The fake CTI server's control interface for tests and demos: plain HTTP, JSON bodies.
//
//   POST /incoming         {"login","caller"}           an incoming call -> {"cid","sessionId"}
//                                                       (409 when the login is not attached)
//   POST /hangup           {"login","cid"}              the far end hangs up
//   POST /transfer-failed  {"login","cid","status"}     TransferFailed{status}
//   POST /event            {"login","event":{...}}      any event, sent as given
//   POST /mode             {"reply":"normal|error|silent","delayMs":n}
//   POST /refuse-login     {"login"}                    AttachToUser for it answers Error
//   POST /drop                                          closes every WebSocket connection
//   GET  /state            connections, attached logins, every command received

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "tools/fake_cti/fake_cti_server.hpp"

namespace switchboard::tools::fake_cti {

class ControlApi {
 public:
  ControlApi(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint,
             FakeCtiServer& server);

 private:
  void accept();

  boost::asio::ip::tcp::acceptor acceptor_;
  FakeCtiServer& server_;
};

}  // namespace switchboard::tools::fake_cti
