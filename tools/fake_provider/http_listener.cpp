#include "tools/fake_provider/http_listener.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>

namespace switchboard::tools::fake_provider {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

// Bulk calls may carry thousands of messages; Beast's default limit is 1 MB.
constexpr std::uint64_t kBodyLimit = 64ull * 1024 * 1024;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<Handler> handler)
      : socket_(std::move(socket)), handler_(std::move(handler)) {}

  void read() {
    parser_.emplace();
    parser_->body_limit(kBodyLimit);
    http::async_read(socket_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       if (ec) return self->close();
                       self->dispatch();
                     });
  }

  void close() {
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

 private:
  void dispatch() {
    auto request = parser_->release();
    const auto version = request.version();
    const bool keep_alive = request.keep_alive();
    (*handler_)(request, [self = shared_from_this(), version, keep_alive](Answer answer) {
      self->write(std::move(answer), version, keep_alive);
    });
  }

  void write(Answer answer, unsigned version, bool keep_alive) {
    auto response = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(answer.status), version);
    response->set(http::field::server, "switchboard-fake-provider");
    response->set(http::field::content_type, answer.content_type);
    response->keep_alive(keep_alive);
    response->body() = std::move(answer.body);
    response->prepare_payload();
    http::async_write(socket_, *response,
                      [self = shared_from_this(), response](beast::error_code ec, std::size_t) {
                        if (ec || !response->keep_alive()) return self->close();
                        self->read();
                      });
  }

  tcp::socket socket_;
  std::shared_ptr<Handler> handler_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
};

HttpListener::HttpListener(net::io_context& io, const tcp::endpoint& endpoint, Handler handler)
    : io_(io),
      endpoint_(endpoint),
      acceptor_(io),
      handler_(std::make_shared<Handler>(std::move(handler))) {
  open();
}

void HttpListener::open() {
  if (acceptor_.is_open()) return;
  acceptor_.open(endpoint_.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(endpoint_);
  acceptor_.listen();
  endpoint_ = acceptor_.local_endpoint();
  accept();
}

void HttpListener::close() {
  beast::error_code ignored;
  acceptor_.close(ignored);
  for (const auto& weak : sessions_) {
    if (const auto session = weak.lock()) session->close();
  }
  sessions_.clear();
}

void HttpListener::accept() {
  acceptor_.async_accept(io_, [this](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted) return;  // close()
    if (ec) {
      spdlog::warn("accept: {}", ec.message());
      return accept();
    }
    std::erase_if(sessions_, [](const auto& weak) { return weak.expired(); });
    auto session = std::make_shared<Session>(std::move(socket), handler_);
    sessions_.push_back(session);
    session->read();
    accept();
  });
}

}  // namespace switchboard::tools::fake_provider
