#include "tests/e2e/support/server_process.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <rapidjson/document.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace switchboard::tests::e2e {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in{path};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Starts the binary with stdout going to `out` and stderr to `err` (or to `out` when empty).
pid_t spawn(const std::vector<std::string>& args, const std::filesystem::path& out,
            const std::filesystem::path& err = {}) {
  const auto binary = switchboard_binary().string();
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(binary.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // Appended, so a restarted server's output follows the first run's.
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (err.empty()) {
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  } else {
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
  }
  pid_t pid = -1;
  const int error = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) {
    throw std::runtime_error("cannot start " + binary + ": " + std::strerror(error));
  }
  return pid;
}

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// The exit code once `pid` ends within `timeout`, else nullopt (the process still runs).
std::optional<int> wait_for_exit(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return exit_code_of(status);
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
}

int kill_and_reap(pid_t pid) {
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  return exit_code_of(status);
}

}  // namespace

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "switchboard-e2e-XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error(std::string{"mkdtemp: "} + std::strerror(errno));
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::filesystem::path TempDir::write(const std::string& name, const std::string& text) const {
  const auto file = path_ / name;
  std::ofstream{file} << text;
  return file;
}

std::string required_env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    throw std::runtime_error(std::string{name} +
                             " is not set (tools/run-tests.sh sets it; or source "
                             "tools/stack/lib.sh and stack_start)");
  }
  return value;
}

std::filesystem::path switchboard_binary() {
  if (const char* path = std::getenv("SWITCHBOARD_BINARY"); path != nullptr && *path != '\0') {
    return path;
  }
  return SWITCHBOARD_BINARY;
}

std::uint16_t free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    close(fd);
    throw std::runtime_error(std::string{"cannot find a free port: "} + std::strerror(errno));
  }
  close(fd);
  return ntohs(address.sin_port);
}

Settings default_settings() {
  return {
      {"http.port", std::to_string(free_port())},
      {"http.threads", "2"},
      {"database.url", required_env("SWITCHBOARD_TEST_PG_ADMIN_URL")},
      {"nats.url", required_env("SWITCHBOARD_TEST_NATS_URL")},
      {"cti.url", "ws://127.0.0.1:9/cti"},
      {"messaging.secret_key", "5b0f8e2a9c4d7e1f3a6b8c0d2e4f6a8b9c1d3e5f7a9b0c2d4e6f8a1b3c5d7e9f"},
      {"log.level", "debug"}};
}

std::filesystem::path write_config(const TempDir& dir, const Settings& settings) {
  std::map<std::string, std::string> sections;
  for (const auto& [name, value] : settings) {
    if (value.empty()) continue;
    const auto dot = name.find('.');
    sections[name.substr(0, dot)] += name.substr(dot + 1) + " = " + value + "\n";
  }
  std::string text;
  for (const auto& [section, lines] : sections) text += "[" + section + "]\n" + lines;
  return dir.write("switchboard.ini", text);
}

RunResult run_switchboard(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  TempDir dir;
  const pid_t pid = spawn(args, dir.path() / "stdout.log", dir.path() / "stderr.log");
  auto code = wait_for_exit(pid, timeout);
  if (!code) code = kill_and_reap(pid);
  return RunResult{*code, read_file(dir.path() / "stdout.log"),
                   read_file(dir.path() / "stderr.log")};
}

ServerProcess::ServerProcess(const Settings& overrides, std::optional<ClientTls> tls,
                             std::chrono::milliseconds startup_timeout)
    : tls_{std::move(tls)} {
  Settings settings = default_settings();
  settings["database.url"] = database_.app_url();
  settings["database.admin_url"] = database_.admin_url();
  for (const auto& [name, value] : overrides) settings[name] = value;
  if (!overrides.contains("nats.prefix")) {
    // Test servers share one nats-server: each cluster (the servers of one database) gets
    // subjects of its own, named after the database.
    const auto& url = settings.at("database.url");
    auto database = url.substr(url.rfind('/') + 1);
    database = database.substr(0, database.find('?'));
    std::ranges::transform(database, database.begin(),
                           [](unsigned char c) { return std::tolower(c); });
    settings["nats.prefix"] = database;
  }
  port_ = static_cast<std::uint16_t>(std::stoi(settings.at("http.port")));
  config_ = write_config(dir_, settings);
  start(startup_timeout);
}

void ServerProcess::start(std::chrono::milliseconds startup_timeout) {
  pid_ = spawn({"--config", config_.string()}, dir_.path() / "output.log");

  const auto deadline = std::chrono::steady_clock::now() + startup_timeout;
  std::string last_error;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto code = wait_for_exit(pid_, std::chrono::milliseconds{0})) {
      pid_ = -1;
      throw std::runtime_error("switchboard exited with " + std::to_string(*code) +
                               " during start-up:\n" + output());
    }
    try {
      if (get(endpoint(), "/healthz").status == 200) return;
    } catch (const std::exception& e) {
      last_error = e.what();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
  kill_and_reap(pid_);
  pid_ = -1;
  throw std::runtime_error("switchboard did not become healthy (" + last_error + "):\n" + output());
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) stop();
}

std::string ServerProcess::output() const {
  return read_file(dir_.path() / "output.log");
}

void ServerProcess::kill_now() {
  if (pid_ <= 0) return;
  kill_and_reap(pid_);
  pid_ = -1;
}

int ServerProcess::stop(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  auto code = wait_for_exit(pid_, timeout);
  if (!code) code = kill_and_reap(pid_);
  pid_ = -1;
  // The output goes with the test's temporary folder: a crash at shutdown would leave nothing
  // to read but its exit code.
  if (*code != 0) {
    const auto out = output();
    constexpr std::size_t kTail = 16'384;
    std::cerr << "switchboard exited with " << *code << " when stopped; the end of its output:\n"
              << (out.size() > kTail ? out.substr(out.size() - kTail) : out) << '\n';
  }
  return *code;
}

std::vector<std::string> audited_types(const std::filesystem::path& admin_binary,
                                       const ServerProcess& server, const std::string& filter) {
  const auto command = admin_binary.string() + " audit " + filter +
                       " --format jsonl --database-url '" + server.database().admin_url() +
                       "' 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> out(::popen(command.c_str(), "r"), ::pclose);
  if (!out) throw std::runtime_error("cannot run " + command);
  std::vector<std::string> types;
  char line[65536];
  while (std::fgets(line, sizeof line, out.get()) != nullptr) {
    rapidjson::Document d;
    d.Parse(line);
    if (!d.IsObject())
      throw std::runtime_error(std::string{"audit printed a non-JSON line: "} + line);
    types.emplace_back(d["event_type"].GetString());
  }
  return types;
}

}  // namespace switchboard::tests::e2e
