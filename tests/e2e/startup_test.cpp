// Start-up refusals: the binary must stop with exit code 2 and say which setting is wrong.

#include <boost/test/unit_test.hpp>

#include "tests/e2e/support/server_process.hpp"
#include "tests/e2e/support/test_certificates.hpp"

namespace e2e = switchboard::tests::e2e;

namespace {

e2e::RunResult start_with(const e2e::Settings& overrides) {
  e2e::TempDir dir;
  auto settings = e2e::default_settings();
  for (const auto& [name, value] : overrides) settings[name] = value;
  return e2e::run_switchboard({"--config", e2e::write_config(dir, settings).string()});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(startup)

BOOST_AUTO_TEST_CASE(refuses_a_missing_required_setting_naming_it) {
  for (const char* name :
       {"http.port", "database.url", "nats.url", "cti.url", "messaging.secret_key"}) {
    const auto r = start_with({{name, ""}});
    BOOST_TEST(r.exit_code == 2, name);
    BOOST_TEST(r.err.find(std::string{name} + " is required") != std::string::npos, r.err);
  }
}

BOOST_AUTO_TEST_CASE(refuses_a_bad_or_unknown_setting) {
  auto r = start_with({{"http.port", "99999"}});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("http.port") != std::string::npos, r.err);

  r = start_with({{"http.colour", "blue"}});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("unknown setting 'http.colour'") != std::string::npos, r.err);

  r = start_with({{"tls.cert_file", "/nonexistent/cert.pem"}, {"tls.key_file", "/etc/hostname"}});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("tls.cert_file: cannot read '/nonexistent/cert.pem'") != std::string::npos,
             r.err);
}

// Found at start-up, not by every delivery later.
BOOST_AUTO_TEST_CASE(refuses_a_provider_client_key_that_is_not_the_certificates) {
  e2e::TestCertificates certificates;
  certificates.issue_client("switchboard", "switchboard", "ca");
  certificates.issue_client("other", "switchboard", "ca");
  const auto r =
      start_with({{"messaging.provider_client_cert_file", certificates.file("switchboard.crt")},
                  {"messaging.provider_client_key_file", certificates.file("other.key")}});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("messaging.provider_client_key_file: ") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(refuses_plain_http_on_a_non_loopback_address) {
  const auto r = start_with({{"http.address", "0.0.0.0"}});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("refusing plain HTTP") != std::string::npos, r.err);
  BOOST_TEST(r.err.find("loopback") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(refuses_a_missing_config_file_or_argument) {
  auto r = e2e::run_switchboard({"--config", "/nonexistent/switchboard.ini"});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("/nonexistent/switchboard.ini") != std::string::npos, r.err);

  r = e2e::run_switchboard({});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("--config") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(a_port_in_use_is_a_start_up_failure) {
  e2e::ServerProcess first;
  const auto r = start_with({{"http.port", std::to_string(first.port())}});
  BOOST_TEST(r.exit_code == 1);
  const auto output = r.out + r.err;
  BOOST_TEST(
      output.find("cannot serve on 127.0.0.1:" + std::to_string(first.port())) != std::string::npos,
      output);
}

BOOST_AUTO_TEST_SUITE_END()
