#pragma once

#include <cstdint>
#include <map>
#include <pqxx/connection>
#include <string>
#include <string_view>
#include <vector>

namespace pqxx {
class transaction_base;
}

namespace switchboard::projections {

// One node of the cluster applies a given projection (or reactor): the one whose runner holds the
// projection's session-level PostgreSQL advisory lock on its own connection. The others leave it
// alone and contend again every poll interval, so when the owner's session ends (the node stops
// or crashes) another node takes over within about a second. A node that vanishes without closing
// TCP keeps its session until PostgreSQL gives up on it: the server's connections bound that by
// database.crash_takeover_ms (eventstore/connection_string.hpp, docs/operations.md "Dead nodes").
//
// Advisory lock keys used in this repository (one bigint key space, pg_locks shows a key as
// classid = high 32 bits, objid = low 32 bits, objsubid = 1):
//   0x5357424d49475254 ("SWBMIGRT")       migrations (eventstore/migrator.cpp)
//   hashtext('switchboard delivery')      delivery worker, within [-2^31, 2^31)
//   hashtext('switchboard cti owner')     CTI connection owner, within [-2^31, 2^31)
//   0x53574250 << 32 | FNV-1a-32(name)    projections ("SWBP" high word, below)
// The projections' high word is none of the others', so no projection key equals another lock's.
inline constexpr std::uint32_t ownership_key_prefix = 0x53574250;  // "SWBP"

std::int64_t ownership_key(std::string_view projection_name);

// Throws when two of the names share a key (a 32-bit hash collision): the one runner that took
// the lock for one of them would keep every node from ever applying the other.
void check_ownership_keys(const std::vector<std::string>& projection_names);

// Takes the projection's lock for the connection's session unless another session holds it.
bool try_take_ownership(pqxx::connection& connection, const std::string& projection_name);

// The session holding each named projection's lock, as "<pid>@<client address>" ("<pid>@local"
// over a Unix socket, "<pid>" when the caller may not see the address); absent when none does.
std::map<std::string, std::string> projection_owners(pqxx::transaction_base& tx,
                                                     const std::vector<std::string>& names);

}  // namespace switchboard::projections
