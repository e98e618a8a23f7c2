#include "tools/fake_provider/http_listener.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <type_traits>

namespace switchboard::tools::fake_provider {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

// Bulk calls may carry thousands of messages; Beast's default limit is 1 MB.
constexpr std::uint64_t kBodyLimit = 64ull * 1024 * 1024;

class Session {
 public:
  virtual ~Session() = default;
  virtual void start() = 0;
  virtual void close() = 0;
};

namespace {

// Over a plain socket or a TLS stream on one.
template <class Stream>
class StreamSession : public Session, public std::enable_shared_from_this<StreamSession<Stream>> {
 public:
  template <class... Args>
  StreamSession(std::shared_ptr<Handler> handler, Args&&... stream)
      : stream_(std::forward<Args>(stream)...), handler_(std::move(handler)) {}

  void start() override {
    if constexpr (std::is_same_v<Stream, tcp::socket>) {
      read();
    } else {
      stream_.async_handshake(net::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) {
                                  spdlog::info("TLS handshake: {}", ec.message());
                                  return self->close();
                                }
                                self->read();
                              });
    }
  }

  void close() override {
    beast::error_code ignored;
    auto& socket = beast::get_lowest_layer(stream_);
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(kBodyLimit);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       if (ec) return self->close();
                       self->dispatch();
                     });
  }

  void dispatch() {
    auto request = parser_->release();
    const auto version = request.version();
    const bool keep_alive = request.keep_alive();
    (*handler_)(request, [self = this->shared_from_this(), version, keep_alive](Answer answer) {
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
    http::async_write(
        stream_, *response,
        [self = this->shared_from_this(), response](beast::error_code ec, std::size_t) {
          if (ec || !response->keep_alive()) return self->close();
          self->read();
        });
  }

  Stream stream_;
  std::shared_ptr<Handler> handler_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
};

std::unique_ptr<net::ssl::context> tls_context(const TlsFiles& files) {
  if (files.cert_file.empty()) return nullptr;
  auto context = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
  context->use_certificate_chain_file(files.cert_file);
  context->use_private_key_file(files.key_file, net::ssl::context::pem);
  if (!files.client_ca_file.empty()) {
    context->load_verify_file(files.client_ca_file);
    context->set_verify_mode(net::ssl::verify_peer | net::ssl::verify_fail_if_no_peer_cert);
  }
  return context;
}

}  // namespace

HttpListener::HttpListener(net::io_context& io, const tcp::endpoint& endpoint, Handler handler,
                           const TlsFiles& tls)
    : io_(io),
      endpoint_(endpoint),
      acceptor_(io),
      handler_(std::make_shared<Handler>(std::move(handler))),
      tls_(tls_context(tls)) {
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
    std::shared_ptr<Session> session;
    if (tls_) {
      session = std::make_shared<StreamSession<net::ssl::stream<tcp::socket>>>(
          handler_, std::move(socket), *tls_);
    } else {
      session = std::make_shared<StreamSession<tcp::socket>>(handler_, std::move(socket));
    }
    sessions_.push_back(session);
    session->start();
    accept();
  });
}

}  // namespace switchboard::tools::fake_provider
