#include "api/config/config.hpp"

#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

namespace config = switchboard::api::config;

namespace {

constexpr std::string_view required_settings =
    "[http]\nport = 8080\n"
    "[database]\nurl = postgresql://app@127.0.0.1/switchboard\n"
    "[nats]\nurl = nats://127.0.0.1:4222\n"
    "[cti]\nurl = wss://cti.example/api\n"
    "[messaging]\nsecret_key = 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n";

config::LoadResult parse(std::string_view text) {
  std::istringstream in{std::string{text}};
  return config::parse(in, "test.ini");
}

std::string error_of(std::string_view text) {
  const auto result = parse(text);
  const auto* error = std::get_if<config::ConfigError>(&result);
  BOOST_REQUIRE_MESSAGE(error != nullptr, "expected an error for:\n" << text);
  return error->message;
}

std::string without_line(std::string_view text, std::string_view line) {
  std::string s{text};
  s.erase(s.find(line), line.size() + 1);
  return s;
}

struct TempDir {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("switchboard-config-test-" + std::to_string(::getpid()));
  TempDir() { std::filesystem::create_directories(path); }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string file(const std::string& name, const std::string& text) const {
    std::ofstream{path / name} << text;
    return (path / name).string();
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(configuration)

BOOST_AUTO_TEST_CASE(reads_the_required_settings_and_applies_defaults) {
  const auto result = parse(required_settings);
  const auto* c = std::get_if<config::Config>(&result);
  BOOST_REQUIRE(c != nullptr);
  BOOST_TEST(c->server.port == 8080);
  BOOST_TEST(c->server.address == "127.0.0.1");
  BOOST_TEST(c->server.threads >= 256u);
  BOOST_TEST(!c->server.tls.enabled());
  BOOST_TEST(c->database_url == "postgresql://app@127.0.0.1/switchboard");
  BOOST_TEST(c->database_admin_url.empty());
  BOOST_TEST(c->database_crash_takeover.count() == 30'000);
  BOOST_TEST(c->nats_url == "nats://127.0.0.1:4222");
  BOOST_TEST(c->nats_prefix == "switchboard");
  BOOST_TEST(c->cti_url == "wss://cti.example/api");
  BOOST_TEST(c->cti_logins.workers == 4);
  BOOST_TEST(c->cti_logins.max_wait.count() == 10'000);
  BOOST_TEST(c->log_level == "info");
}

BOOST_AUTO_TEST_CASE(reads_every_optional_setting) {
  const auto result = parse(std::string{required_settings} +
                            "[http]\naddress = ::1\nthreads = 3\nmax_body_bytes = 2048\n"
                            "request_timeout_ms = 1500\nread_timeout_ms = 700\n"
                            "[database]\nadmin_url = postgresql://owner@127.0.0.1/switchboard\n"
                            "crash_takeover_ms = 45000\n"
                            "[cti]\nlogin_workers = 2\nlogin_max_wait_ms = 0\n"
                            "[log]\nlevel = debug\n");
  const auto* c = std::get_if<config::Config>(&result);
  BOOST_REQUIRE(c != nullptr);
  BOOST_TEST(c->server.address == "::1");
  BOOST_TEST(c->server.threads == 3u);
  BOOST_TEST(c->server.max_body_bytes == 2048u);
  BOOST_TEST(c->server.request_timeout.count() == 1500);
  BOOST_TEST(c->server.read_timeout.count() == 700);
  BOOST_TEST(c->database_admin_url == "postgresql://owner@127.0.0.1/switchboard");
  BOOST_TEST(c->database_crash_takeover.count() == 45'000);
  BOOST_TEST(c->cti_logins.workers == 2);
  BOOST_TEST(c->cti_logins.max_wait.count() == 0);
  BOOST_TEST(c->log_level == "debug");
}

BOOST_AUTO_TEST_CASE(names_each_missing_required_setting) {
  for (const auto& [line, name] : std::vector<std::pair<std::string, std::string>>{
           {"port = 8080", "http.port"},
           {"url = postgresql://app@127.0.0.1/switchboard", "database.url"},
           {"url = nats://127.0.0.1:4222", "nats.url"},
           {"url = wss://cti.example/api", "cti.url"},
           {"secret_key = 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
            "messaging.secret_key"}}) {
    const auto message = error_of(without_line(required_settings, line));
    BOOST_TEST(message == "test.ini: " + name + " is required");
  }
}

BOOST_AUTO_TEST_CASE(names_a_bad_value) {
  auto bad = [](std::string_view from, std::string_view to) {
    std::string s{required_settings};
    s.replace(s.find(from), from.size(), to);
    return error_of(s);
  };
  BOOST_TEST(bad("port = 8080", "port = 70000") ==
             "test.ini: http.port: '70000' is not a port number (1-65535)");
  BOOST_TEST(bad("port = 8080", "port = http").find("http.port") != std::string::npos);
  BOOST_TEST(bad("port = 8080", "port = 80\nthreads = 0").find("http.threads") !=
             std::string::npos);
  BOOST_TEST(bad("[cti]", "[log]\nlevel = loud\n[cti]").find("log.level") != std::string::npos);
  BOOST_TEST(bad("url = wss://cti.example/api", "url = wss://cti.example/api\nlogin_workers = 0") ==
             "test.ini: cti.login_workers: '0' is not a thread count (1-256)");
  BOOST_TEST(
      bad("url = wss://cti.example/api", "url = wss://cti.example/api\nlogin_max_wait_ms = -1")
          .find("cti.login_max_wait_ms") != std::string::npos);
  BOOST_TEST(bad("secret_key = 00", "secret_key = zz").find("64 hex characters") !=
             std::string::npos);
  BOOST_TEST(bad("[messaging]", "[messaging]\nerror_retention_days = 7")
                 .find("messaging.error_retention_days") != std::string::npos);
  BOOST_TEST(bad("[messaging]", "[messaging]\nprovider_concurrency = 0")
                 .find("messaging.provider_concurrency") != std::string::npos);
  BOOST_TEST(bad("[messaging]", "[messaging]\nmax_held = many").find("messaging.max_held") !=
             std::string::npos);
  BOOST_TEST(bad("[messaging]", "[messaging]\npublic_base_url = sb.example.com")
                 .find("messaging.public_base_url") != std::string::npos);
  BOOST_TEST(bad("[nats]", "crash_takeover_ms = 5999\n[nats]") ==
             "test.ini: database.crash_takeover_ms: at least 6000 (keepalive probes go whole "
             "seconds apart)");
  // libpq would refuse it only at the first connection attempt, and the server retries those.
  BOOST_TEST(bad("url = postgresql://app@127.0.0.1/switchboard",
                 "url = postgresql://app@127.0.0.1/switchboard?sslmode") ==
             "test.ini: database.url: missing key/value separator \"=\" in URI query parameter: "
             "\"sslmode\"");
  BOOST_TEST(bad("url = postgresql://app@127.0.0.1/switchboard", "url = host=127.0.0.1 dbname")
                 .find("database.url") != std::string::npos);
  // A dot would split the cluster's subjects; stream names refuse it too.
  BOOST_TEST(bad("url = nats://127.0.0.1:4222", "url = nats://127.0.0.1:4222\nprefix = a.b")
                 .find("nats.prefix") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(messaging_timings_default_to_the_seed) {
  const auto result = parse(required_settings);
  const auto* c = std::get_if<config::Config>(&result);
  BOOST_REQUIRE(c != nullptr);
  BOOST_TEST(c->messaging.retry_delay.count() == 5'000);
  BOOST_TEST(c->messaging.max_attempts == 3);
  BOOST_TEST(c->messaging.expiry.count() == 3'600'000);
  BOOST_TEST(c->messaging.error_retention_days == 30);
  BOOST_TEST(c->messaging.public_base_url.empty());
}

BOOST_AUTO_TEST_CASE(delivery_shares_are_read) {
  std::string s{required_settings};
  s.replace(s.find("[messaging]"), 11,
            "[messaging]\ndelivery_concurrency = 64\nprovider_concurrency = 4\nmax_held = 500\n"
            "max_defer_ms = 120000");
  const auto result = parse(s);
  const auto* c = std::get_if<config::Config>(&result);
  BOOST_REQUIRE(c != nullptr);
  BOOST_TEST(c->messaging.delivery_concurrency == 64);
  BOOST_TEST(c->messaging.provider_concurrency == 4);
  BOOST_TEST(c->messaging.max_held == 500);
  BOOST_TEST(c->messaging.max_defer.count() == 120'000);
  const auto defaults = parse(required_settings);
  BOOST_TEST(std::get<config::Config>(defaults).messaging.provider_concurrency == 16);
  BOOST_TEST(std::get<config::Config>(defaults).messaging.max_defer.count() == 300'000);
}

BOOST_AUTO_TEST_CASE(the_public_base_url_is_kept_without_a_trailing_slash) {
  const auto result =
      parse(std::string{required_settings} + "public_base_url = https://sb.example.com/crm-hub/\n");
  const auto* c = std::get_if<config::Config>(&result);
  BOOST_REQUIRE(c != nullptr);
  BOOST_TEST(c->messaging.public_base_url == "https://sb.example.com/crm-hub");
}

BOOST_AUTO_TEST_CASE(refuses_unknown_and_repeated_settings) {
  BOOST_TEST(error_of(std::string{required_settings} + "[http]\nprot = 1\n") ==
             "test.ini: unknown setting 'http.prot'");
  BOOST_TEST(
      error_of(std::string{required_settings} + "[nats]\nurl = nats://x\n").find("nats.url") !=
      std::string::npos);
}

BOOST_AUTO_TEST_CASE(refuses_plain_http_on_a_public_address) {
  const auto message = error_of(std::string{required_settings} + "[http]\naddress = 0.0.0.0\n");
  BOOST_TEST(message.find("http.address") != std::string::npos, message);
  BOOST_TEST(message.find("loopback") != std::string::npos, message);
  BOOST_TEST(std::holds_alternative<config::Config>(
      parse(std::string{required_settings} + "[http]\naddress = 127.0.0.2\n")));
}

BOOST_AUTO_TEST_CASE(checks_the_tls_files) {
  TempDir dir;
  const auto cert = dir.file("cert.pem", "cert");
  const auto key = dir.file("key.pem", "key");
  const auto with_tls = [&](const std::string& tls) {
    return std::string{required_settings} + "[http]\naddress = 0.0.0.0\n[tls]\n" + tls;
  };

  const auto ok = parse(with_tls("cert_file = " + cert + "\nkey_file = " + key +
                                 "\nclient_ca_file = " + cert + "\n"));
  const auto* c = std::get_if<config::Config>(&ok);
  BOOST_REQUIRE(c != nullptr);
  BOOST_TEST(c->server.tls.enabled());
  BOOST_TEST(c->server.tls.client_ca_file == cert);
  BOOST_TEST(c->server.tls.require_client_cert);

  const auto missing = (dir.path / "missing.pem").string();
  BOOST_TEST(error_of(with_tls("cert_file = " + missing + "\nkey_file = " + key + "\n")) ==
             "test.ini: tls.cert_file: cannot read '" + missing + "': No such file or directory");
  BOOST_TEST(error_of(with_tls("cert_file = " + cert + "\n")) ==
             "test.ini: tls.key_file is required when tls.cert_file is set");
  BOOST_TEST(error_of(with_tls("cert_file = " + cert + "\nkey_file = " + key +
                               "\nrequire_client_cert = maybe\n"))
                 .find("tls.require_client_cert") != std::string::npos);
}

// A certificate that cannot be loaded stops the server at start-up, not each delivery later.
BOOST_AUTO_TEST_CASE(checks_the_provider_tls_files) {
  TempDir dir;
  const auto garbage = dir.file("garbage.pem", "not a certificate");
  // required_settings ends in [messaging].
  const auto with = [](const std::string& settings) {
    return std::string{required_settings} + settings;
  };

  const auto ca = error_of(with("provider_ca_file = " + garbage + "\n"));
  BOOST_TEST(ca.starts_with("test.ini: messaging.provider_ca_file: "), ca);
  const auto cert = error_of(with("provider_client_cert_file = " + garbage +
                                  "\nprovider_client_key_file = " + garbage + "\n"));
  BOOST_TEST(cert.starts_with("test.ini: messaging.provider_client_cert_file: "), cert);
  BOOST_TEST(error_of(with("provider_client_key_file = " + garbage + "\n")) ==
             "test.ini: messaging.provider_client_cert_file is required when "
             "messaging.provider_client_key_file is set");
  const auto missing = (dir.path / "missing.pem").string();
  BOOST_TEST(error_of(with("provider_client_cert_file = " + missing +
                           "\nprovider_client_key_file = " + garbage + "\n")) ==
             "test.ini: messaging.provider_client_cert_file: cannot read '" + missing +
                 "': No such file or directory");
}

BOOST_AUTO_TEST_CASE(names_an_unreadable_file) {
  const auto result = config::load("/nonexistent/switchboard.ini");
  const auto* error = std::get_if<config::ConfigError>(&result);
  BOOST_REQUIRE(error != nullptr);
  BOOST_TEST(error->message.find("/nonexistent/switchboard.ini") != std::string::npos);
}

// An operator copies these: they must start a server as they are.
BOOST_AUTO_TEST_CASE(the_cti_guides_configuration_snippets_are_complete) {
  for (const auto* guide : {"cti.en.md", "cti.ru.md"}) {
    std::ifstream in{std::filesystem::path{SWITCHBOARD_GUIDES} / guide};
    const std::string text{std::istreambuf_iterator<char>{in}, {}};
    const auto start = text.find("```ini\n");
    BOOST_REQUIRE_MESSAGE(start != std::string::npos, guide);
    const auto body = start + 7;
    const auto result = parse(std::string_view{text}.substr(body, text.find("```", body) - body));
    const auto* error = std::get_if<config::ConfigError>(&result);
    BOOST_TEST(error == nullptr, guide << ": " << (error ? error->message : ""));
  }
}

BOOST_AUTO_TEST_SUITE_END()
