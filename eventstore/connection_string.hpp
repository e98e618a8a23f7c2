#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace switchboard::eventstore {

// `conninfo` (a postgresql:// URI or libpq key=value settings) with both ends of the connection
// told to give up on a peer that vanished without closing TCP (power loss, a partition). Left to
// the kernel's defaults that takes over two hours, and meanwhile PostgreSQL keeps a dead node's
// session with the advisory locks that make it the owner of projections, the delivery worker and
// the CTI connection (projections/ownership.hpp), so no other node takes over.
//
//   PostgreSQL drops a vanished node's session within about `takeover` (the server settings
//   tcp_keepalives_idle, tcp_keepalives_interval, tcp_keepalives_count and tcp_user_timeout,
//   passed as `-c` switches in libpq's `options`);
//   the node drops a connection to a vanished database within about two thirds of it (libpq's
//   keepalives, keepalives_idle, keepalives_interval, keepalives_count, tcp_user_timeout), so an
//   owner cut off from the database stops acting as one before another node can take its lock.
//
// A setting the string already makes is kept, and so are `default_options` (what libpq would
// take from PGOPTIONS) when the string has no `options` of its own, since giving it one makes
// libpq ignore PGOPTIONS. The result is libpq key=value settings, whatever the input's form.
// Throws std::invalid_argument (libpq's message) for a string libpq refuses to parse.
std::string with_dead_peer_timeouts(std::string_view conninfo, std::chrono::milliseconds takeover,
                                    std::string_view default_options = {});

// `[database] crash_takeover_ms`, for the server and switchboard-admin alike: its default, and
// its floor (the probes go whole seconds apart, the first after a third of the bound).
inline constexpr std::chrono::milliseconds kDefaultCrashTakeover{30'000};
inline constexpr std::chrono::milliseconds kMinimumCrashTakeover{6'000};

// with_dead_peer_timeouts keeping this process's PGOPTIONS: the URL every Switchboard binary
// connects with.
std::string with_dead_peer_timeouts_from_environment(std::string_view conninfo,
                                                     std::chrono::milliseconds takeover);

}  // namespace switchboard::eventstore
