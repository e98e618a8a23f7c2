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

enum class MetricType { counter, gauge, histogram };

// Appends metric families to `out` in the Prometheus text format: each family's HELP and TYPE
// lines, then its samples, help and label values escaped. The registry writes its own series
// with it, and collectors theirs.
class PrometheusWriter {
 public:
  explicit PrometheusWriter(std::string& out) : out_{out} {}

  // Starts a family; no HELP line for an empty `help`.
  void family(std::string_view name, MetricType type, std::string_view help);
  // A sample of the family started last. `suffix` names a histogram's series: "_bucket", "_sum",
  // "_count".
  void sample(const Labels& labels, double value, std::string_view suffix = {});
  void sample(double value) { sample({}, value); }

 private:
  std::string& out_;
  std::string name_;
};

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

  // Called on every render, after the registry's own series, to write whole families of their
  // own. Collectors run under no lock of ours.
  void add_collector(std::function<void(PrometheusWriter& out)> collector);

  std::string render_prometheus() const;

 private:
  struct Series {
    double value = 0;  // counter value, or histogram sum
    std::uint64_t count = 0;
    std::vector<std::uint64_t> buckets;  // per bucket, not cumulative
  };
  struct Family {
    MetricType type;  // counter or histogram
    std::string help;
    std::vector<double> bounds;
    std::map<Labels, Series> series;
  };

  Family& family(std::string_view name, MetricType type);

  mutable std::mutex mutex_;
  std::map<std::string, Family, std::less<>> families_;
  std::vector<std::function<void(PrometheusWriter&)>> collectors_;
};

}  // namespace switchboard::api::http
