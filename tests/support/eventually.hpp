#pragma once

#include <chrono>
#include <functional>

namespace switchboard::tests {

// Asks `done` every 20 ms until it says yes or `within` has passed; its last answer.
bool eventually(const std::function<bool()>& done,
                std::chrono::milliseconds within = std::chrono::seconds{20});

}  // namespace switchboard::tests
