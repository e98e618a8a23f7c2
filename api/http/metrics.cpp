#include "api/http/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace switchboard::api::http {
namespace {

std::string escape(std::string_view text, bool quotes) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quotes) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

std::string label_text(const Labels& labels, std::string_view extra_name = {},
                       std::string_view extra_value = {}) {
  std::string out;
  for (const auto& [name, value] : labels) {
    out += fmt::format("{}{}=\"{}\"", out.empty() ? "" : ",", name, escape(value, true));
  }
  if (!extra_name.empty()) {
    out += fmt::format("{}{}=\"{}\"", out.empty() ? "" : ",", extra_name, extra_value);
  }
  return out.empty() ? out : "{" + out + "}";
}

}  // namespace

std::vector<double> Metrics::default_buckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

Metrics::Family& Metrics::family(std::string_view name, Type type) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_
             .emplace(std::string{name},
                      Family{.type = type,
                             .help = {},
                             .bounds = type == Type::histogram ? default_buckets()
                                                               : std::vector<double>{},
                             .series = {}})
             .first;
  }
  if (it->second.type != type) {
    throw std::logic_error("metric " + std::string{name} + " used as two different types");
  }
  return it->second;
}

void Metrics::describe_counter(const std::string& name, std::string help) {
  std::lock_guard lock{mutex_};
  family(name, Type::counter).help = std::move(help);
}

void Metrics::describe_histogram(const std::string& name, std::string help,
                                 std::vector<double> buckets) {
  std::ranges::sort(buckets);
  std::lock_guard lock{mutex_};
  auto& f = family(name, Type::histogram);
  f.help = std::move(help);
  f.bounds = std::move(buckets);
  f.series.clear();
}

void Metrics::increment(std::string_view name, const Labels& labels, double amount) {
  std::lock_guard lock{mutex_};
  family(name, Type::counter).series[labels].value += amount;
}

void Metrics::observe(std::string_view name, const Labels& labels, double value) {
  std::lock_guard lock{mutex_};
  auto& f = family(name, Type::histogram);
  auto& s = f.series[labels];
  if (s.buckets.empty()) s.buckets.resize(f.bounds.size());
  const auto bucket = std::ranges::lower_bound(f.bounds, value) - f.bounds.begin();
  if (static_cast<std::size_t>(bucket) < s.buckets.size()) ++s.buckets[bucket];
  s.value += value;
  ++s.count;
}

void Metrics::add_collector(std::function<void(std::string& out)> collector) {
  std::lock_guard lock{mutex_};
  collectors_.push_back(std::move(collector));
}

std::string Metrics::render_prometheus() const {
  std::string out;
  std::vector<std::function<void(std::string&)>> collectors;
  {
    std::lock_guard lock{mutex_};
    for (const auto& [name, f] : families_) {
      if (!f.help.empty()) out += fmt::format("# HELP {} {}\n", name, escape(f.help, false));
      out += fmt::format("# TYPE {} {}\n", name, f.type == Type::counter ? "counter" : "histogram");
      for (const auto& [labels, s] : f.series) {
        if (f.type == Type::counter) {
          out += fmt::format("{}{} {}\n", name, label_text(labels), s.value);
          continue;
        }
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < f.bounds.size(); ++i) {
          cumulative += s.buckets[i];
          out += fmt::format("{}_bucket{} {}\n", name,
                             label_text(labels, "le", fmt::format("{}", f.bounds[i])), cumulative);
        }
        out += fmt::format("{}_bucket{} {}\n", name, label_text(labels, "le", "+Inf"), s.count);
        out += fmt::format("{}_sum{} {}\n", name, label_text(labels), s.value);
        out += fmt::format("{}_count{} {}\n", name, label_text(labels), s.count);
      }
    }
    collectors = collectors_;
  }
  // Outside the lock: a collector may be slow (a database query) or record metrics itself.
  for (const auto& collect : collectors) collect(out);
  return out;
}

}  // namespace switchboard::api::http
