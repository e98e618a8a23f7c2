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
  // stdout and stderr go to `log`; standard input is empty, or a pipe that `type` writes to
  // when `interactive`.
  ChildProcess(std::filesystem::path binary, std::vector<std::string> args,
               std::filesystem::path log, bool interactive = false);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // SIGTERM, then SIGKILL after `timeout`; returns the exit code.
  int stop(std::chrono::milliseconds timeout = std::chrono::seconds{5});
  bool running();
  // Writes `line` and a newline to the process's standard input (interactive processes only).
  void type(const std::string& line);

 private:
  pid_t pid_ = -1;
  int stdin_ = -1;  // the pipe's write end when interactive
};

// Runs to completion (killed after `timeout`); returns the exit code, output appended to `log`.
int run_to_end(const std::filesystem::path& binary, const std::vector<std::string>& args,
               const std::filesystem::path& log,
               std::chrono::milliseconds timeout = std::chrono::seconds{30});

}  // namespace switchboard::tests::e2e
