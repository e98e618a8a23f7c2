#include "api/config/config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <boost/program_options.hpp>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <optional>
#include <thread>

#include "domain/url.hpp"
#include "eventstore/connection_string.hpp"

namespace switchboard::api::config {
namespace {

namespace po = boost::program_options;

po::options_description settings_description() {
  po::options_description d;
  for (const char* name : {"http.address",
                           "http.port",
                           "http.threads",
                           "http.max_body_bytes",
                           "http.request_timeout_ms",
                           "http.read_timeout_ms",
                           "tls.cert_file",
                           "tls.key_file",
                           "tls.client_ca_file",
                           "tls.require_client_cert",
                           "database.url",
                           "database.admin_url",
                           "database.crash_takeover_ms",
                           "nats.url",
                           "cti.url",
                           "cti.login_workers",
                           "cti.login_max_wait_ms",
                           "messaging.secret_key",
                           "messaging.retry_delay_ms",
                           "messaging.max_attempts",
                           "messaging.unavailable_retry_ms",
                           "messaging.expiry_ms",
                           "messaging.request_timeout_ms",
                           "messaging.crash_takeover_ms",
                           "messaging.delivery_concurrency",
                           "messaging.provider_concurrency",
                           "messaging.max_held",
                           "messaging.max_defer_ms",
                           "messaging.error_retention_days",
                           "messaging.public_base_url",
                           "messaging.provider_ca_file",
                           "messaging.provider_client_cert_file",
                           "messaging.provider_client_key_file",
                           "nats.prefix",
                           "log.level"}) {
    d.add_options()(name, po::value<std::string>());
  }
  return d;
}

// Reads and checks settings, remembering the first problem.
class Reader {
 public:
  Reader(const po::variables_map& values, std::string_view source)
      : values_{values}, source_{source} {}

  const std::optional<std::string>& error() const { return error_; }

  std::optional<std::string> text(const char* name) {
    const auto it = values_.find(name);
    if (it == values_.end()) return std::nullopt;
    return it->second.as<std::string>();
  }

  std::string required(const char* name) {
    auto value = text(name);
    if (!value || value->empty()) {
      fail(fmt::format("{} is required", name));
      return {};
    }
    return *value;
  }

  template <typename Number>
  std::optional<Number> number(const char* name, Number min, Number max, std::string_view what) {
    const auto value = text(name);
    if (!value) return std::nullopt;
    Number parsed{};
    const auto* end = value->data() + value->size();
    const auto [ptr, ec] = std::from_chars(value->data(), end, parsed);
    if (ec != std::errc{} || ptr != end || parsed < min || parsed > max) {
      fail(fmt::format("{}: '{}' is not {} ({}-{})", name, *value, what, min, max));
      return std::nullopt;
    }
    return parsed;
  }

  std::optional<bool> boolean(const char* name) {
    const auto value = text(name);
    if (!value) return std::nullopt;
    if (*value == "true" || *value == "yes" || *value == "on" || *value == "1") return true;
    if (*value == "false" || *value == "no" || *value == "off" || *value == "0") return false;
    fail(fmt::format("{}: '{}' is not true or false", name, *value));
    return std::nullopt;
  }

  // An optional file that must be readable when given.
  std::string readable_file(const char* name) {
    auto path = text(name).value_or("");
    if (path.empty()) return path;
    std::ifstream file{path};
    if (!file) fail(fmt::format("{}: cannot read '{}': {}", name, path, std::strerror(errno)));
    return path;
  }

  // Settings that only make sense together, like a certificate and its key.
  void both_or_neither(const char* a, const std::string& a_value, const char* b,
                       const std::string& b_value) {
    if (a_value.empty() == b_value.empty()) return;
    fail(a_value.empty() ? fmt::format("{} is required when {} is set", a, b)
                         : fmt::format("{} is required when {} is set", b, a));
  }

  void fail(std::string message) {
    if (!error_) error_ = fmt::format("{}: {}", source_, message);
  }

 private:
  const po::variables_map& values_;
  std::string source_;
  std::optional<std::string> error_;
};

constexpr std::array log_levels{"trace", "debug", "info", "warn", "error", "critical", "off"};

}  // namespace

LoadResult parse(std::istream& in, std::string_view source) {
  po::variables_map values;
  try {
    po::store(po::parse_config_file(in, settings_description(), false), values);
  } catch (const po::unknown_option& e) {
    return ConfigError{fmt::format("{}: unknown setting '{}'", source, e.get_option_name())};
  } catch (const po::multiple_occurrences& e) {
    return ConfigError{fmt::format("{}: {} is set more than once", source, e.get_option_name())};
  } catch (const po::error& e) {
    return ConfigError{fmt::format("{}: {}", source, e.what())};
  }

  Reader r{values, source};
  Config c;
  auto& http = c.server;
  http.address = r.text("http.address").value_or(http.address);
  if (r.text("http.port")) {
    if (auto port = r.number<unsigned>("http.port", 1, 65535, "a port number")) {
      http.port = static_cast<std::uint16_t>(*port);
    }
  } else {
    r.required("http.port");
  }
  // Handlers wait on PostgreSQL (reads, group commits): the threads are for waiting, not for
  // cores, and concurrent commands are what lets a group commit batch them.
  http.threads =
      r.number<std::size_t>("http.threads", 1, 1024, "a thread count")
          .value_or(std::max<std::size_t>(256, 64 * std::thread::hardware_concurrency()));
  http.max_body_bytes =
      r.number<std::size_t>("http.max_body_bytes", 1, std::size_t{1} << 30, "a size in bytes")
          .value_or(http.max_body_bytes);
  http.request_timeout = std::chrono::milliseconds{
      r.number<long>("http.request_timeout_ms", 1, 3'600'000, "a duration in milliseconds")
          .value_or(http.request_timeout.count())};
  http.read_timeout = std::chrono::milliseconds{
      r.number<long>("http.read_timeout_ms", 1, 3'600'000, "a duration in milliseconds")
          .value_or(http.read_timeout.count())};

  http.tls.cert_file = r.readable_file("tls.cert_file");
  http.tls.key_file = r.readable_file("tls.key_file");
  http.tls.client_ca_file = r.readable_file("tls.client_ca_file");
  http.tls.require_client_cert =
      r.boolean("tls.require_client_cert").value_or(http.tls.require_client_cert);
  r.both_or_neither("tls.cert_file", http.tls.cert_file, "tls.key_file", http.tls.key_file);

  const auto duration = [&r](const char* name, std::chrono::milliseconds fallback) {
    return std::chrono::milliseconds{
        r.number<long>(name, 1, 86'400'000, "a duration in milliseconds")
            .value_or(fallback.count())};
  };

  c.database_url = r.required("database.url");
  c.database_admin_url = r.text("database.admin_url").value_or("");
  c.database_crash_takeover = duration("database.crash_takeover_ms", c.database_crash_takeover);
  if (c.database_crash_takeover < eventstore::kMinimumCrashTakeover) {
    r.fail(fmt::format(
        "database.crash_takeover_ms: at least {} (keepalive probes go whole seconds apart)",
        eventstore::kMinimumCrashTakeover.count()));
  }
  try {
    // libpq would refuse the URL too, but only at the first connection, which the server retries
    // for ever.
    eventstore::with_dead_peer_timeouts(c.database_url, c.database_crash_takeover);
  } catch (const std::invalid_argument& e) {
    r.fail(fmt::format("database.url: {}", e.what()));
  }
  c.nats_url = r.required("nats.url");
  c.nats_prefix = r.text("nats.prefix").value_or(c.nats_prefix);
  if (c.nats_prefix.empty() || c.nats_prefix.size() > 64 ||
      !std::ranges::all_of(c.nats_prefix, [](unsigned char ch) {
        return std::islower(ch) || std::isdigit(ch) || ch == '_' || ch == '-';
      })) {
    r.fail("nats.prefix: 1 to 64 lower-case letters, digits, '_' or '-'");
  }
  c.cti_url = r.required("cti.url");
  c.cti_logins.workers =
      r.number<int>("cti.login_workers", 1, 256, "a thread count").value_or(c.cti_logins.workers);
  // 0: a login is taken only by a free worker.
  c.cti_logins.max_wait = std::chrono::milliseconds{
      r.number<long>("cti.login_max_wait_ms", 0, 3'600'000, "a duration in milliseconds")
          .value_or(c.cti_logins.max_wait.count())};

  auto& m = c.messaging;
  m.secret_key = r.required("messaging.secret_key");
  if (!m.secret_key.empty() &&
      (m.secret_key.size() != 64 ||
       !std::ranges::all_of(m.secret_key, [](unsigned char ch) { return std::isxdigit(ch); }))) {
    r.fail("messaging.secret_key: must be 64 hex characters (openssl rand -hex 32)");
  }
  m.retry_delay = duration("messaging.retry_delay_ms", m.retry_delay);
  m.max_attempts = r.number<int>("messaging.max_attempts", 1, 100, "a number of attempts")
                       .value_or(m.max_attempts);
  m.unavailable_retry = duration("messaging.unavailable_retry_ms", m.unavailable_retry);
  m.expiry = duration("messaging.expiry_ms", m.expiry);
  m.request_timeout = duration("messaging.request_timeout_ms", m.request_timeout);
  m.crash_takeover = duration("messaging.crash_takeover_ms", m.crash_takeover);
  if (m.crash_takeover < std::chrono::seconds{1}) {
    r.fail("messaging.crash_takeover_ms: at least 1000 (a live node renews it well before)");
  }
  m.delivery_concurrency =
      r.number<int>("messaging.delivery_concurrency", 1, 1'024, "a number of calls")
          .value_or(m.delivery_concurrency);
  m.provider_concurrency =
      r.number<int>("messaging.provider_concurrency", 1, 1'024, "a number of calls")
          .value_or(m.provider_concurrency);
  m.max_held =
      r.number<int>("messaging.max_held", 1, 10'000'000, "a number of jobs").value_or(m.max_held);
  m.max_defer = duration("messaging.max_defer_ms", m.max_defer);
  // The seed asks for at least 30 days of public API errors.
  m.error_retention_days =
      r.number<int>("messaging.error_retention_days", 30, 3650, "a number of days")
          .value_or(m.error_retention_days);
  m.public_base_url = r.text("messaging.public_base_url").value_or("");
  while (m.public_base_url.ends_with('/')) m.public_base_url.pop_back();
  if (!m.public_base_url.empty() && !domain::http_url(m.public_base_url, 2048)) {
    r.fail(
        "messaging.public_base_url: must be an absolute http(s) URL, e.g. https://sb.example.com");
  }

  auto& tls = m.provider_tls;
  tls.ca_file = r.readable_file("messaging.provider_ca_file");
  tls.client_cert_file = r.readable_file("messaging.provider_client_cert_file");
  tls.client_key_file = r.readable_file("messaging.provider_client_key_file");
  r.both_or_neither("messaging.provider_client_cert_file", tls.client_cert_file,
                    "messaging.provider_client_key_file", tls.client_key_file);
  if (!r.error()) {
    if (const auto error = delivery::check_provider_tls(tls)) {
      using File = delivery::ProviderTlsError::File;
      const auto* setting = error->file == File::ca ? "messaging.provider_ca_file"
                            : error->file == File::client_cert
                                ? "messaging.provider_client_cert_file"
                                : "messaging.provider_client_key_file";
      r.fail(fmt::format("{}: {}", setting, error->message));
    }
  }

  c.log_level = r.text("log.level").value_or(c.log_level);
  if (std::ranges::find(log_levels, c.log_level) == log_levels.end()) {
    r.fail(
        fmt::format("log.level: '{}' is not one of trace, debug, info, warn, error, critical, "
                    "off",
                    c.log_level));
  }

  if (!r.error()) {
    if (auto refusal = http::check_settings(http)) r.fail(*refusal);
  }
  if (r.error()) return ConfigError{*r.error()};
  return c;
}

LoadResult load(const std::filesystem::path& file) {
  std::ifstream in{file};
  if (!in) {
    return ConfigError{fmt::format("cannot read the configuration file '{}': {}", file.string(),
                                   std::strerror(errno))};
  }
  return parse(in, file.string());
}

}  // namespace switchboard::api::config
