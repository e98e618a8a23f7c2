#pragma once

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
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

}  // namespace switchboard::tools::bench
