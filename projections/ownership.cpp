#include "projections/ownership.hpp"

#include <fmt/format.h>

#include <pqxx/pqxx>
#include <stdexcept>

namespace switchboard::projections {
namespace {

// FNV-1a: fixed by its definition, so every build and node derives the same key from a name.
std::uint32_t fnv1a32(std::string_view text) {
  std::uint32_t hash = 2166136261u;
  for (const unsigned char c : text) {
    hash ^= c;
    hash *= 16777619u;
  }
  return hash;
}

}  // namespace

std::int64_t ownership_key(std::string_view projection_name) {
  return static_cast<std::int64_t>(std::uint64_t{ownership_key_prefix} << 32 |
                                   fnv1a32(projection_name));
}

void check_ownership_keys(const std::vector<std::string>& projection_names) {
  std::map<std::int64_t, std::string> seen;
  for (const auto& name : projection_names) {
    const auto [it, inserted] = seen.emplace(ownership_key(name), name);
    if (!inserted && it->second != name) {
      throw std::logic_error(fmt::format(
          "projections {} and {} share an ownership lock key: rename one", it->second, name));
    }
  }
}

bool try_take_ownership(pqxx::connection& connection, const std::string& projection_name) {
  return pqxx::nontransaction(connection)
      .exec_params("SELECT pg_try_advisory_lock($1)", ownership_key(projection_name))[0][0]
      .as<bool>();
}

std::map<std::string, std::string> projection_owners(pqxx::transaction_base& tx,
                                                     const std::vector<std::string>& names) {
  std::map<std::uint32_t, std::string> by_hash;
  for (const auto& name : names) by_hash.emplace(fnv1a32(name), name);
  // An advisory bigint key shows in pg_locks split into classid (high) and objid (low word).
  const auto rows = tx.exec_params(
      "SELECT l.objid::bigint, l.pid, a.client_port, host(a.client_addr)"
      " FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid"
      " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"
      "   AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
      "   AND l.classid = $1::bigint::oid",
      static_cast<std::int64_t>(ownership_key_prefix));
  std::map<std::string, std::string> owners;
  for (const auto& row : rows) {
    const auto name = by_hash.find(static_cast<std::uint32_t>(row[0].as<std::int64_t>()));
    if (name == by_hash.end()) continue;
    auto owner = std::to_string(row[1].as<int>());
    if (!row[2].is_null() && row[2].as<int>() == -1) {
      owner += "@local";
    } else if (!row[3].is_null()) {
      owner += "@" + row[3].as<std::string>();
    }
    owners[name->second] = std::move(owner);
  }
  return owners;
}

}  // namespace switchboard::projections
