#pragma once

// Runs a helper binary (a fake outside system, switchboard-admin) for the end-to-end tests.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace switchboard::tests::e2e {

class ChildProcess {
 public:
  // stdout and stderr go to `log`.
  ChildProcess(std::filesystem::path binary, std::vector<std::string> args,
               std::filesystem::path log);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // SIGTERM, then SIGKILL after `timeout`; returns the exit code.
  int stop(std::chrono::milliseconds timeout = std::chrono::seconds{5});
  bool running();

 private:
  pid_t pid_ = -1;
};

// Runs to completion (killed after `timeout`); returns the exit code, output appended to `log`.
int run_to_end(const std::filesystem::path& binary, const std::vector<std::string>& args,
               const std::filesystem::path& log,
               std::chrono::milliseconds timeout = std::chrono::seconds{30});

}  // namespace switchboard::tests::e2e
