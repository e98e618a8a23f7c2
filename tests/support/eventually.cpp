#include "tests/support/eventually.hpp"

#include <thread>

namespace switchboard::tests {

bool eventually(const std::function<bool()>& done, std::chrono::milliseconds within) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  return done();
}

}  // namespace switchboard::tests
