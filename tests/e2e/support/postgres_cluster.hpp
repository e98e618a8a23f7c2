#pragma once

// A PostgreSQL cluster of one test's own, for the tests that stop and start PostgreSQL: the
// shared cluster (SWITCHBOARD_TEST_PG_ADMIN_URL) serves every other test at the same time, so it
// must never go down. initdb and pg_ctl from the newest /usr/lib/postgresql/*/bin, as the
// `postgres` user when the tests run as root (PostgreSQL refuses root), as tools/stack/lib.sh
// does.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tests/e2e/support/server_process.hpp"

namespace switchboard::tests::e2e {

class PostgresCluster {
 public:
  // initdb into a fresh folder and start on a free loopback port; throws std::runtime_error with
  // the tool's output when either fails.
  PostgresCluster();
  ~PostgresCluster();
  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;

  // postgresql://postgres@127.0.0.1:<port>/postgres
  std::string admin_url() const;
  // pg_ctl stop -m fast: every connection is cut, as in a restart of the database server.
  void stop();
  void start();

 private:
  void pg_tool(const std::string& tool, const std::vector<std::string>& args,
               const std::string& log_name) const;

  TempDir dir_;
  std::filesystem::path bin_;
  std::filesystem::path data_;
  std::uint16_t port_;
  bool running_ = false;
};

// Points SWITCHBOARD_TEST_PG_ADMIN_URL (what TestDatabase and ServerProcess read) at `url` for
// its lifetime, then back.
class ScopedPgAdminUrl {
 public:
  explicit ScopedPgAdminUrl(const std::string& url);
  ~ScopedPgAdminUrl();
  ScopedPgAdminUrl(const ScopedPgAdminUrl&) = delete;
  ScopedPgAdminUrl& operator=(const ScopedPgAdminUrl&) = delete;

 private:
  std::optional<std::string> previous_;
};

}  // namespace switchboard::tests::e2e
