#include "api/http/metrics.hpp"

#include <boost/test/unit_test.hpp>
#include <thread>

namespace http = switchboard::api::http;

BOOST_AUTO_TEST_SUITE(metrics)

BOOST_AUTO_TEST_CASE(renders_counters_with_help_type_and_labels) {
  http::Metrics m;
  m.describe_counter("requests_total", "Requests.");
  m.increment("requests_total", {{"route", "/a"}, {"status", "200"}});
  m.increment("requests_total", {{"route", "/a"}, {"status", "200"}}, 2);
  m.increment("requests_total", {{"route", "/b"}, {"status", "404"}});
  BOOST_TEST(m.render_prometheus() ==
             "# HELP requests_total Requests.\n"
             "# TYPE requests_total counter\n"
             "requests_total{route=\"/a\",status=\"200\"} 3\n"
             "requests_total{route=\"/b\",status=\"404\"} 1\n");
}

BOOST_AUTO_TEST_CASE(renders_histograms_cumulatively) {
  http::Metrics m;
  m.describe_histogram("latency_seconds", "Latency.", {1, 0.25});
  m.observe("latency_seconds", {{"route", "/a"}}, 0.125);
  m.observe("latency_seconds", {{"route", "/a"}}, 0.25);
  m.observe("latency_seconds", {{"route", "/a"}}, 0.5);
  m.observe("latency_seconds", {{"route", "/a"}}, 7);
  BOOST_TEST(m.render_prometheus() ==
             "# HELP latency_seconds Latency.\n"
             "# TYPE latency_seconds histogram\n"
             "latency_seconds_bucket{route=\"/a\",le=\"0.25\"} 2\n"
             "latency_seconds_bucket{route=\"/a\",le=\"1\"} 3\n"
             "latency_seconds_bucket{route=\"/a\",le=\"+Inf\"} 4\n"
             "latency_seconds_sum{route=\"/a\"} 7.875\n"
             "latency_seconds_count{route=\"/a\"} 4\n");
}

BOOST_AUTO_TEST_CASE(escapes_label_values_and_help) {
  http::Metrics m;
  m.describe_counter("c", "line\\one\nline two");
  m.increment("c", {{"path", "a\"b\\c\nd"}});
  const auto text = m.render_prometheus();
  BOOST_TEST(text.find("# HELP c line\\\\one\\nline two\n") != std::string::npos, text);
  BOOST_TEST(text.find("c{path=\"a\\\"b\\\\c\\nd\"} 1\n") != std::string::npos, text);
}

BOOST_AUTO_TEST_CASE(collectors_append_their_families_after_the_registry) {
  http::Metrics m;
  m.increment("own_total", {});
  m.add_collector([](http::PrometheusWriter& out) {
    out.family("store_events", http::MetricType::gauge, "Events.");
    out.sample(42);
    out.family("lag_seconds", http::MetricType::gauge, "");
    out.sample({{"projection", "a\"b"}, {"node", "n1"}}, 0.25);
  });
  const auto text = m.render_prometheus();
  BOOST_TEST(text ==
             "# TYPE own_total counter\nown_total 1\n"
             "# HELP store_events Events.\n# TYPE store_events gauge\nstore_events 42\n"
             "# TYPE lag_seconds gauge\nlag_seconds{projection=\"a\\\"b\",node=\"n1\"} 0.25\n");
}

BOOST_AUTO_TEST_CASE(mixing_types_is_a_programming_error) {
  http::Metrics m;
  m.increment("x", {});
  BOOST_CHECK_THROW(m.observe("x", {}, 1), std::logic_error);
}

BOOST_AUTO_TEST_CASE(counts_from_many_threads) {
  http::Metrics m;
  std::vector<std::jthread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&m] {
      for (int i = 0; i < 10'000; ++i) m.increment("n_total", {{"k", "v"}});
    });
  }
  threads.clear();
  BOOST_TEST(m.render_prometheus().find("n_total{k=\"v\"} 40000\n") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
