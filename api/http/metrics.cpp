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

std::string_view to_string(MetricType type) {
  switch (type) {
    case MetricType::counter:
      return "counter";
    case MetricType::gauge:
      return "gauge";
    case MetricType::histogram:
      return "histogram";
  }
  return "untyped";
}

}  // namespace

void PrometheusWriter::family(std::string_view name, MetricType type, std::string_view help) {
  name_ = name;
  if (!help.empty()) out_ += fmt::format("# HELP {} {}\n", name, escape(help, false));
  out_ += fmt::format("# TYPE {} {}\n", name, to_string(type));
}

void PrometheusWriter::sample(const Labels& labels, double value, std::string_view suffix) {
  out_ += name_;
  out_ += suffix;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    out_ += fmt::format("{}{}=\"{}\"", i == 0 ? "{" : ",", labels[i].first,
                        escape(labels[i].second, true));
  }
  if (!labels.empty()) out_ += '}';
  out_ += fmt::format(" {}\n", value);
}

std::vector<double> Metrics::default_buckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

Metrics::Family& Metrics::family(std::string_view name, MetricType type) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_
             .emplace(std::string{name},
                      Family{.type = type,
                             .help = {},
                             .bounds = type == MetricType::histogram ? default_buckets()
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
  family(name, MetricType::counter).help = std::move(help);
}

void Metrics::describe_histogram(const std::string& name, std::string help,
                                 std::vector<double> buckets) {
  std::ranges::sort(buckets);
  std::lock_guard lock{mutex_};
  auto& f = family(name, MetricType::histogram);
  f.help = std::move(help);
  f.bounds = std::move(buckets);
  f.series.clear();
}

void Metrics::increment(std::string_view name, const Labels& labels, double amount) {
  std::lock_guard lock{mutex_};
  family(name, MetricType::counter).series[labels].value += amount;
}

void Metrics::observe(std::string_view name, const Labels& labels, double value) {
  std::lock_guard lock{mutex_};
  auto& f = family(name, MetricType::histogram);
  auto& s = f.series[labels];
  if (s.buckets.empty()) s.buckets.resize(f.bounds.size());
  const auto bucket = std::ranges::lower_bound(f.bounds, value) - f.bounds.begin();
  if (static_cast<std::size_t>(bucket) < s.buckets.size()) ++s.buckets[bucket];
  s.value += value;
  ++s.count;
}

void Metrics::add_collector(std::function<void(PrometheusWriter& out)> collector) {
  std::lock_guard lock{mutex_};
  collectors_.push_back(std::move(collector));
}

std::string Metrics::render_prometheus() const {
  std::string out;
  PrometheusWriter writer{out};
  std::vector<std::function<void(PrometheusWriter&)>> collectors;
  {
    std::lock_guard lock{mutex_};
    for (const auto& [name, f] : families_) {
      writer.family(name, f.type, f.help);
      for (const auto& [labels, s] : f.series) {
        if (f.type == MetricType::counter) {
          writer.sample(labels, s.value);
          continue;
        }
        auto bucket = labels;
        bucket.emplace_back("le", "");
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < f.bounds.size(); ++i) {
          cumulative += s.buckets[i];
          bucket.back().second = fmt::format("{}", f.bounds[i]);
          writer.sample(bucket, static_cast<double>(cumulative), "_bucket");
        }
        bucket.back().second = "+Inf";
        writer.sample(bucket, static_cast<double>(s.count), "_bucket");
        writer.sample(labels, s.value, "_sum");
        writer.sample(labels, static_cast<double>(s.count), "_count");
      }
    }
    collectors = collectors_;
  }
  // Outside the lock: a collector may be slow (a database query) or record metrics itself.
  for (const auto& collect : collectors) collect(writer);
  return out;
}

}  // namespace switchboard::api::http
