#pragma once

// Splitting a request target (`/history?cursor=2`) into its path and query parameters.

#include <string>
#include <string_view>

namespace switchboard::tools::fake_provider {

std::string path_of(std::string_view target);

// The percent-decoded value of query parameter `name`; "" when absent.
std::string query_param(std::string_view target, std::string_view name);

}  // namespace switchboard::tools::fake_provider
