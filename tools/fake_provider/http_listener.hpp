#pragma once

// An HTTP/1.1 server socket for the fake provider's two ports: accepts any number of connections,
// keeps them alive, and hands each request to a handler that answers when it likes (now, after a
// delay, or after calling another server). Optionally HTTPS, and then optionally requiring a
// client certificate (mutual TLS). Single-threaded: runs on the io_context given to it.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace switchboard::tools::fake_provider {

using Request = boost::beast::http::request<boost::beast::http::string_body>;

struct Answer {
  int status = 200;
  std::string body = "{}";
  std::string content_type = "application/json";
};

// Must be called exactly once per request.
using Reply = std::function<void(Answer)>;
using Handler = std::function<void(const Request&, Reply)>;

// PEM files; an empty cert_file serves plain HTTP.
struct TlsFiles {
  std::string cert_file;
  std::string key_file;
  // Clients must present a certificate issued by one of these CAs; empty: none asked for.
  std::string client_ca_file;
};

class Session;

class HttpListener {
 public:
  // Binds and listens at once, so a taken port (or a bad TLS file) fails at startup.
  HttpListener(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint,
               Handler handler, const TlsFiles& tls = {});

  bool tls() const { return tls_ != nullptr; }

  // The bound port (the real one when 0 was asked for).
  std::uint16_t port() const { return endpoint_.port(); }
  bool listening() const { return acceptor_.is_open(); }

  // Closes the listening socket and every open connection: new connects are refused and pooled
  // keep-alive connections of clients break, as when the process is gone.
  void close();
  // Listens again on the same address and port.
  void open();

 private:
  void accept();

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::endpoint endpoint_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<Handler> handler_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
  std::vector<std::weak_ptr<Session>> sessions_;
};

}  // namespace switchboard::tools::fake_provider
