#pragma once

// Runs the real switchboard binary for end-to-end tests: writes its configuration file into a
// fresh temporary folder, starts it on a free 127.0.0.1 port, waits until /healthz answers and
// stops it (SIGTERM, then SIGKILL) at the end.
//
// PostgreSQL and NATS come from SWITCHBOARD_TEST_PG_ADMIN_URL and SWITCHBOARD_TEST_NATS_URL; the
// binary from SWITCHBOARD_BINARY (a compile definition, overridable by the environment variable).

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/e2e/support/http_client.hpp"
#include "tests/support/test_database.hpp"

namespace switchboard::tests::e2e {

// A fresh folder under the system temp folder, removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path write(const std::string& name, const std::string& text) const;

 private:
  std::filesystem::path path_;
};

// The value of an environment variable; throws std::runtime_error naming it when unset.
std::string required_env(const char* name);

std::filesystem::path switchboard_binary();

std::uint16_t free_port();

// Settings as "section.key" -> value, e.g. {"http.port", "8080"}.
using Settings = std::map<std::string, std::string>;

// A configuration that starts: http.port (free), database.url, nats.url (from the environment),
// cti.url, log.level = debug.
Settings default_settings();

// Writes INI text for `settings`; an empty value leaves the setting out.
std::filesystem::path write_config(const TempDir& dir, const Settings& settings);

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs switchboard with `args` to completion; kills it after `timeout`.
RunResult run_switchboard(const std::vector<std::string>& args,
                          std::chrono::milliseconds timeout = std::chrono::seconds{20});

class ServerProcess {
 public:
  // Each server gets a fresh migrated database (database.url is its application role,
  // database.admin_url its owner); `overrides` is applied over that and default_settings().
  // `tls` is how the health wait and endpoint() reach a TLS server. Throws std::runtime_error with
  // the server's output when it does not become healthy in time.
  explicit ServerProcess(const Settings& overrides = {}, std::optional<ClientTls> tls = {},
                         std::chrono::milliseconds startup_timeout = std::chrono::seconds{20});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  std::uint16_t port() const { return port_; }
  Endpoint endpoint() const { return Endpoint{"127.0.0.1", port_, tls_}; }
  const TempDir& dir() const { return dir_; }
  const TestDatabase& database() const { return database_; }
  // The running server's process id (for /proc).
  pid_t pid() const { return pid_; }
  // What the server has written to stdout and stderr so far.
  std::string output() const;

  // SIGTERM, then waits; returns the exit code (128 + signal when killed by one).
  int stop(std::chrono::milliseconds timeout = std::chrono::seconds{10});
  // SIGKILL: a crash, with no chance to finish anything.
  void kill_now();
  // Starts the stopped or killed server again, on the same port, configuration and database.
  void start(std::chrono::milliseconds startup_timeout = std::chrono::seconds{20});

 private:
  TestDatabase database_;
  TempDir dir_;
  std::uint16_t port_ = 0;
  std::filesystem::path config_;
  std::optional<ClientTls> tls_;
  pid_t pid_ = -1;
};

// The event types `<admin_binary> audit <filter> --format jsonl` prints for the server's database,
// oldest first; throws std::runtime_error when it cannot run or prints something else.
std::vector<std::string> audited_types(const std::filesystem::path& admin_binary,
                                       const ServerProcess& server, const std::string& filter);

}  // namespace switchboard::tests::e2e
