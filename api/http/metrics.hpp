#pragma once

// A small thread-safe metrics registry rendered in the Prometheus text format (0.0.4). Other
// components add their own figures through collectors instead of depending on a metrics library.

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace switchboard::api::http {

// Label name/value pairs, in the order they should be rendered.
using Labels = std::vector<std::pair<std::string, std::string>>;

class Metrics {
 public:
  // Seconds; suited to request latencies from 1 ms to 10 s.
  static std::vector<double> default_buckets();

  // Declaring is optional (an undeclared name gets an empty help text and default buckets), but
  // it fixes HELP and the histogram buckets. Re-declaring a name with another type throws
  // std::logic_error.
  void describe_counter(const std::string& name, std::string help);
  void describe_histogram(const std::string& name, std::string help,
                          std::vector<double> buckets = default_buckets());

  // Using a counter as a histogram or the reverse throws std::logic_error: a programming error.
  void increment(std::string_view name, const Labels& labels, double amount = 1.0);
  void observe(std::string_view name, const Labels& labels, double value);

  // Called on every render, after the registry's own series, with the output to append to
  // (complete "# HELP/# TYPE" blocks). Collectors run under no lock of ours.
  void add_collector(std::function<void(std::string& out)> collector);

  std::string render_prometheus() const;

 private:
  enum class Type { counter, histogram };
  struct Series {
    double value = 0;  // counter value, or histogram sum
    std::uint64_t count = 0;
    std::vector<std::uint64_t> buckets;  // per bucket, not cumulative
  };
  struct Family {
    Type type;
    std::string help;
    std::vector<double> bounds;
    std::map<Labels, Series> series;
  };

  Family& family(std::string_view name, Type type);

  mutable std::mutex mutex_;
  std::map<std::string, Family, std::less<>> families_;
  std::vector<std::function<void(std::string&)>> collectors_;
};

}  // namespace switchboard::api::http
