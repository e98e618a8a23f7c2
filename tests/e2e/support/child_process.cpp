#include "tests/e2e/support/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace switchboard::tests::e2e {
namespace {

// `input`: a file descriptor for the child's standard input, or -1 for /dev/null.
pid_t spawn(const std::filesystem::path& binary, const std::vector<std::string>& args,
            const std::filesystem::path& log, int input = -1) {
  const auto path = binary.string();
  std::vector<char*> argv{const_cast<char*>(path.c_str())};
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (input >= 0) {
    posix_spawn_file_actions_adddup2(&actions, input, STDIN_FILENO);
  } else {
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  }
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = -1;
  const int error = posix_spawn(&pid, path.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) throw std::runtime_error("cannot start " + path + ": " + std::strerror(error));
  return pid;
}

int wait_exit(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) != pid) {
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

ChildProcess::ChildProcess(std::filesystem::path binary, std::vector<std::string> args,
                           std::filesystem::path log, bool interactive) {
  if (!interactive) {
    pid_ = spawn(binary, args, log);
    return;
  }
  // Close-on-exec, so no other child inherits the pipe; dup2 clears it on the child's stdin.
  int ends[2];
  if (pipe2(ends, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string{"pipe: "} + std::strerror(errno));
  }
  try {
    pid_ = spawn(binary, args, log, ends[0]);
  } catch (...) {
    close(ends[0]);
    close(ends[1]);
    throw;
  }
  close(ends[0]);
  stdin_ = ends[1];
}

ChildProcess::~ChildProcess() {
  stop();
}

void ChildProcess::type(const std::string& line) {
  if (stdin_ < 0) throw std::logic_error("the process was not started interactive");
  const auto text = line + '\n';
  if (write(stdin_, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    throw std::runtime_error(std::string{"writing to the process: "} + std::strerror(errno));
  }
}

int ChildProcess::stop(std::chrono::milliseconds timeout) {
  if (stdin_ >= 0) {
    close(stdin_);
    stdin_ = -1;
  }
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  const int code = wait_exit(pid_, timeout);
  pid_ = -1;
  return code;
}

bool ChildProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

int run_to_end(const std::filesystem::path& binary, const std::vector<std::string>& args,
               const std::filesystem::path& log, std::chrono::milliseconds timeout) {
  return wait_exit(spawn(binary, args, log), timeout);
}

}  // namespace switchboard::tests::e2e
