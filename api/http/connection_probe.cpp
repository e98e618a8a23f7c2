#include "api/http/connection_probe.hpp"

#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>
#include <charconv>
#include <cstring>
#include <memory>
#include <optional>
#include <string>

namespace switchboard::api::http {
namespace {

using boost::asio::ip::tcp;

// The socket's own (getsockname) or its peer's (getpeername) address; nothing for a descriptor
// that is no IP socket.
std::optional<tcp::endpoint> address(int fd, int (*get)(int, sockaddr*, socklen_t*)) {
  sockaddr_storage storage{};
  socklen_t length = sizeof storage;
  if (get(fd, reinterpret_cast<sockaddr*>(&storage), &length) != 0) return std::nullopt;
  if (storage.ss_family != AF_INET && storage.ss_family != AF_INET6) return std::nullopt;
  tcp::endpoint endpoint;
  if (length > endpoint.capacity()) return std::nullopt;
  std::memcpy(endpoint.data(), &storage, length);
  endpoint.resize(length);
  return endpoint;
}

}  // namespace

bool connection_established(std::string_view peer_address, std::uint16_t peer_port,
                            std::uint16_t local_port) {
  boost::system::error_code unreadable;
  const tcp::endpoint peer{boost::asio::ip::make_address(std::string{peer_address}, unreadable),
                           peer_port};
  if (unreadable) return true;
  const std::unique_ptr<DIR, int (*)(DIR*)> descriptors{opendir("/proc/self/fd"), closedir};
  if (!descriptors) return true;
  while (const auto* entry = readdir(descriptors.get())) {
    const std::string_view name{entry->d_name};
    int fd = -1;
    if (std::from_chars(name.data(), name.data() + name.size(), fd).ec != std::errc{}) continue;
    const auto local = address(fd, getsockname);
    if (!local || local->port() != local_port) continue;
    if (address(fd, getpeername) != peer) continue;
    tcp_info info{};
    socklen_t size = sizeof info;
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &size) != 0) return true;
    // CLOSE_WAIT: the client sent its FIN; CLOSE: it reset the connection.
    return info.tcpi_state == TCP_ESTABLISHED;
  }
  return false;
}

}  // namespace switchboard::api::http
