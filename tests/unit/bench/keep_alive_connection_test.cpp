// The benchmarks' keep-alive connection against a server that closes connections as
// Switchboard's does when they sit idle past its keep-alive limit: without a word.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>
#include <boost/test/unit_test.hpp>
#include <memory>
#include <optional>
#include <string>

#include "tools/bench/http_exchange.hpp"

namespace net = boost::asio;
namespace http = boost::beast::http;
using net::ip::tcp;
using switchboard::tools::bench::KeepAliveConnection;

namespace {

// Closes the first `drop` connections it accepts at once; answers 200 "ok" on the others.
class Server {
 public:
  Server(net::io_context& io, int drop)
      : acceptor_{io, {net::ip::make_address("127.0.0.1"), 0}}, drop_{drop} {
    accept();
  }

  tcp::endpoint endpoint() const { return acceptor_.local_endpoint(); }
  int accepted() const { return accepted_; }

 private:
  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (ec) return;
      if (++accepted_ <= drop_) {
        socket.close();
      } else {
        answer(std::make_shared<tcp::socket>(std::move(socket)));
      }
      accept();
    });
  }

  static void answer(std::shared_ptr<tcp::socket> socket) {
    auto request = std::make_shared<std::string>();
    net::async_read_until(*socket, net::dynamic_buffer(*request), "\r\n\r\n",
                          [socket, request](boost::system::error_code ec, std::size_t) {
                            if (ec) return;
                            static const std::string response =
                                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
                            net::async_write(*socket, net::buffer(response),
                                             [socket](boost::system::error_code, std::size_t) {});
                          });
  }

  tcp::acceptor acceptor_;
  int drop_;
  int accepted_ = 0;
};

struct Outcome {
  boost::beast::error_code error;
  http::response<http::string_body> response;
};

// One GET, run to its end.
Outcome exchange(net::io_context& io, KeepAliveConnection& connection) {
  http::request<http::empty_body> request{http::verb::get, "/", 11};
  request.set(http::field::host, "test");
  request.keep_alive(true);
  Outcome outcome;
  bool done = false;
  connection.exchange(request, outcome.response, [&](boost::beast::error_code ec) {
    outcome.error = ec;
    done = true;
  });
  while (!done) io.run_one();
  return outcome;
}

// Opens the connection, then lets the server close it before the exchange: the idle case.
void open_and_wait_for_the_server(net::io_context& io, Server& server,
                                  KeepAliveConnection& connection) {
  std::optional<boost::beast::error_code> opened;
  connection.open([&](boost::beast::error_code ec) { opened = ec; });
  while (!opened) io.run_one();
  BOOST_REQUIRE_MESSAGE(!*opened, opened->message());
  while (server.accepted() < 1) io.run_one();
}

}  // namespace

BOOST_AUTO_TEST_CASE(an_exchange_on_a_connection_closed_before_its_first_use_is_tried_again) {
  net::io_context io;
  Server server{io, 1};
  KeepAliveConnection connection{io, server.endpoint()};
  open_and_wait_for_the_server(io, server, connection);

  const auto [error, response] = exchange(io, connection);
  BOOST_TEST(!error, error.message());
  BOOST_TEST(response.result_int() == 200);
  BOOST_TEST(response.body() == "ok");
  BOOST_TEST(server.accepted() == 2);
}

BOOST_AUTO_TEST_CASE(a_fresh_connection_the_server_closes_is_reported_not_tried_again) {
  net::io_context io;
  Server server{io, 2};
  KeepAliveConnection connection{io, server.endpoint()};

  const auto [error, response] = exchange(io, connection);
  BOOST_TEST(static_cast<bool>(error));
  BOOST_TEST(server.accepted() == 1);
}
