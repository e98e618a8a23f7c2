#pragma once

// Whether a client still holds its TCP connection, asked of the kernel. RESTinio reads nothing
// from a connection while its request is being handled, so by itself the server learns that a
// client closed only when it writes the answer.

#include <cstdint>
#include <string_view>

namespace switchboard::api::http {

// True while this process holds an established TCP connection from `peer_address` (as
// http::Request::remote_address writes it) port `peer_port` to its local port `local_port`; false
// once the peer closed or reset it, or the connection is gone. True when it cannot tell. Linux:
// finds the socket among the process's descriptors, a system call or two per descriptor, so it is
// for work that costs far more (a password hash), not for every request.
bool connection_established(std::string_view peer_address, std::uint16_t peer_port,
                            std::uint16_t local_port);

}  // namespace switchboard::api::http
