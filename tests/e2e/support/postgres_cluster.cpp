#include "tests/e2e/support/postgres_cluster.hpp"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tests/e2e/support/child_process.hpp"

namespace switchboard::tests::e2e {
namespace {

constexpr const char* kPgAdminUrl = "SWITCHBOARD_TEST_PG_ADMIN_URL";

std::filesystem::path newest_pg_bin() {
  std::vector<std::filesystem::path> found;
  const std::filesystem::path root = "/usr/lib/postgresql";
  if (std::filesystem::exists(root)) {
    for (const auto& version : std::filesystem::directory_iterator(root)) {
      if (std::filesystem::exists(version.path() / "bin" / "pg_ctl")) {
        found.push_back(version.path() / "bin");
      }
    }
  }
  if (found.empty()) throw std::runtime_error("no PostgreSQL binaries in /usr/lib/postgresql");
  // Major versions only (13, 15, 16): numeric order, not text order.
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return std::stoi(a.parent_path().filename().string()) <
           std::stoi(b.parent_path().filename().string());
  });
  return found.back();
}

// Gives the folder to the postgres user when running as root: initdb and the server write there.
void hand_to_postgres(const std::filesystem::path& dir) {
  if (geteuid() != 0) return;
  const passwd* pg = getpwnam("postgres");
  if (pg == nullptr) throw std::runtime_error("running as root and there is no postgres user");
  if (chown(dir.c_str(), pg->pw_uid, pg->pw_gid) != 0) {
    throw std::runtime_error("cannot give " + dir.string() + " to postgres");
  }
}

std::string read_all(const std::filesystem::path& file) {
  std::ifstream in{file};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

PostgresCluster::PostgresCluster()
    : bin_(newest_pg_bin()), data_(dir_.path() / "pg"), port_(free_port()) {
  hand_to_postgres(dir_.path());
  pg_tool("initdb",
          {"-D", data_.string(), "-U", "postgres", "--auth=trust", "--encoding=UTF8",
           "--locale=C.UTF-8"},
          "initdb.log");
  std::ofstream{data_ / "postgresql.conf", std::ios::app}
      << "listen_addresses = '127.0.0.1'\nport = " << port_ << "\nunix_socket_directories = '"
      << data_.string() << "'\nmax_connections = 100\nfsync = on\nsynchronous_commit = on\n";
  start();
}

PostgresCluster::~PostgresCluster() {
  try {
    stop();
  } catch (...) {
    // The folder goes with dir_; a server still running there dies with its files.
  }
}

std::string PostgresCluster::admin_url() const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/postgres";
}

void PostgresCluster::stop() {
  if (!running_) return;
  pg_tool("pg_ctl", {"-D", data_.string(), "-m", "fast", "-w", "stop"}, "pg_ctl.log");
  running_ = false;
}

void PostgresCluster::start() {
  pg_tool("pg_ctl",
          {"-D", data_.string(), "-l", (dir_.path() / "postgres.log").string(), "-w", "-t", "60",
           "start"},
          "pg_ctl.log");
  running_ = true;
}

void PostgresCluster::pg_tool(const std::string& tool, const std::vector<std::string>& args,
                              const std::string& log_name) const {
  const auto log = dir_.path() / log_name;
  const auto binary = bin_ / tool;
  std::vector<std::string> argv;
  std::filesystem::path program = binary;
  if (geteuid() == 0) {
    program = "/usr/sbin/runuser";
    argv = {"-u", "postgres", "--", binary.string()};
  }
  argv.insert(argv.end(), args.begin(), args.end());
  if (run_to_end(program, argv, log, std::chrono::seconds{90}) != 0) {
    throw std::runtime_error(tool + " failed: " + read_all(log) +
                             read_all(dir_.path() / "postgres.log"));
  }
}

ScopedPgAdminUrl::ScopedPgAdminUrl(const std::string& url) {
  if (const char* value = std::getenv(kPgAdminUrl); value != nullptr) previous_ = value;
  setenv(kPgAdminUrl, url.c_str(), 1);
}

ScopedPgAdminUrl::~ScopedPgAdminUrl() {
  if (previous_) {
    setenv(kPgAdminUrl, previous_->c_str(), 1);
  } else {
    unsetenv(kPgAdminUrl);
  }
}

}  // namespace switchboard::tests::e2e
