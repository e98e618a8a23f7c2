#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace switchboard::tools::bench {

// The value below which a share `p` (0..1) of `values` lies; 0 for none. Takes a copy: the
// selection reorders it.
inline double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<long>(index), values.end());
  return values[index];
}

}  // namespace switchboard::tools::bench
