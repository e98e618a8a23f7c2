#include "tests/integration/delivery/test_peer.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <rapidjson/document.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <stdexcept>

namespace switchboard::tests::delivery {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

TestPeer::TestPeer() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  int yes = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listen_fd_, 64) != 0) {
    throw std::runtime_error("test peer: cannot listen");
  }
  socklen_t size = sizeof address;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &size);
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

TestPeer::~TestPeer() {
  stopping_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);
  ::close(listen_fd_);
  acceptor_.join();
  {
    // Kept-alive connections would wait for their next request forever.
    std::lock_guard lock(mutex_);
    for (const int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  for (auto& t : connections_) t.join();
}

std::string TestPeer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<Received> TestPeer::received() const {
  std::lock_guard lock(mutex_);
  return received_;
}

void TestPeer::accept_loop() {
  while (!stopping_) {
    const int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    if (stopping_) {
      ::close(fd);
      break;
    }
    std::lock_guard lock(mutex_);
    open_fds_.push_back(fd);
    connections_.emplace_back([this, fd] { serve(fd); });
  }
}

void TestPeer::serve(int fd) {
  // Unregistered before the socket closes, so the destructor never shuts down a reused number.
  struct Forget {
    TestPeer& peer;
    int fd;
    ~Forget() {
      std::lock_guard lock(peer.mutex_);
      std::erase(peer.open_fds_, fd);
    }
  };
  net::io_context io;
  net::ip::tcp::socket socket(io, net::ip::tcp::v4(), fd);
  const Forget forget{*this, fd};
  beast::flat_buffer buffer;
  while (!stopping_) {
    http::request<http::string_body> request;
    beast::error_code ec;
    http::read(socket, buffer, request, ec);
    if (ec) return;
    const auto mode = mode_.load();
    Received r{std::string(request.method_string()),
               std::string(request.target()),
               std::string(request[http::field::authorization]),
               std::string(request["Idempotency-Key"]),
               std::string(request["X-Switchboard-Tenant"]),
               request.body()};
    if (mode == PeerMode::down) {
      {
        std::lock_guard lock(mutex_);
        received_.push_back(r);
      }
      return;  // closes without an answer
    }
    if (delay_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_));
    http::response<http::string_body> response;
    response.version(11);
    response.set(http::field::content_type, "application/json");
    if (mode == PeerMode::failing) {
      response.result(503);
      response.body() = R"({"title":"try later"})";
    } else if (mode == PeerMode::refusing) {
      response.result(400);
      response.body() = R"({"title":"no such chat"})";
    } else {
      response.result(200);
      const auto path = r.target.substr(0, r.target.find('?'));
      if (path == "/messages") {
        rapidjson::Document d;
        d.Parse(r.body.c_str());
        const std::string id =
            d.IsObject() && d.HasMember("message_id") && d["message_id"].IsString()
                ? d["message_id"].GetString()
                : "";
        response.body() = R"({"provider_message_id":"p-)" + id + R"("})";
      } else if (path == "/accounts") {
        response.body() = R"({"accounts":[{"account_id":"a-1","channel_code":"telegram",)"
                          R"("name":"Sales"}]})";
      } else if (path == "/history") {
        response.body() = r.target.find("cursor=c%2F2") != std::string::npos
                              ? R"({"messages":[{"provider_message_id":"h-3"}],"next_cursor":null})"
                              : R"({"messages":[{"provider_message_id":"h-1"},)"
                                R"({"provider_message_id":"h-2"}],"next_cursor":"c/2"})";
      } else {
        response.body() = "{}";
      }
    }
    response.keep_alive(request.keep_alive());
    response.prepare_payload();
    r.status = static_cast<int>(response.result_int());
    {
      std::lock_guard lock(mutex_);
      received_.push_back(r);
    }
    http::write(socket, response, ec);
    if (ec || !request.keep_alive()) return;
  }
}

}  // namespace switchboard::tests::delivery
