#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <utility>

namespace switchboard::tools::bench {

// One request and its response on a keep-alive connection: writes `request`, then reads into
// `response` (cleared first); `done(error)` runs once. The caller owns the stream, buffer and
// messages and keeps itself alive through `done`.
template <class Request, class Response, class Done>
void async_exchange(boost::beast::tcp_stream& stream, Request& request,
                    boost::beast::flat_buffer& buffer, Response& response, Done done) {
  namespace http = boost::beast::http;
  http::async_write(stream, request,
                    [&stream, &buffer, &response, done = std::move(done)](
                        boost::beast::error_code ec, std::size_t) mutable {
                      if (ec) return done(ec);
                      response = {};
                      http::async_read(stream, buffer, response,
                                       [done = std::move(done)](boost::beast::error_code ec,
                                                                std::size_t) mutable { done(ec); });
                    });
}

// A keep-alive connection carrying one exchange at a time, connecting when it has to. The server
// closes a connection left idle past its keep-alive limit (http.read_timeout_ms) without a word,
// so an exchange on a connection that was open before it began is tried once more on a fresh one
// when it fails, whether that connection served others before or none yet. The owner keeps this
// object, the request and the response alive through `done`.
class KeepAliveConnection {
 public:
  KeepAliveConnection(boost::asio::io_context& io, boost::asio::ip::tcp::endpoint endpoint)
      : stream_{io}, endpoint_{std::move(endpoint)} {}

  // Connects ahead of the first exchange; `done(error)`.
  template <class Done>
  void open(Done done) {
    stream_.expires_after(std::chrono::seconds{10});
    stream_.async_connect(endpoint_,
                          [this, done = std::move(done)](boost::beast::error_code ec) mutable {
                            connected_ = !ec;
                            done(ec);
                          });
  }

  // `done(error)` runs once; a response that asks for it closes the connection.
  template <class Request, class Response, class Done>
  void exchange(Request& request, Response& response, Done done) {
    attempt(request, response, connected_, std::move(done));
  }

 private:
  template <class Request, class Response, class Done>
  void attempt(Request& request, Response& response, bool may_retry, Done done) {
    if (!connected_) {
      return open(
          [this, &request, &response, done = std::move(done)](boost::beast::error_code ec) mutable {
            if (ec) return done(ec);
            attempt(request, response, false, std::move(done));
          });
    }
    stream_.expires_after(std::chrono::seconds{30});
    async_exchange(stream_, request, buffer_, response,
                   [this, &request, &response, may_retry,
                    done = std::move(done)](boost::beast::error_code ec) mutable {
                     if (ec || response.need_eof()) close();
                     if (ec && may_retry) return attempt(request, response, false, std::move(done));
                     done(ec);
                   });
  }

  void close() {
    boost::beast::error_code ignored;
    stream_.socket().close(ignored);
    connected_ = false;
    buffer_.clear();
  }

  boost::beast::tcp_stream stream_;
  boost::asio::ip::tcp::endpoint endpoint_;
  boost::beast::flat_buffer buffer_;
  bool connected_ = false;
};

}  // namespace switchboard::tools::bench
