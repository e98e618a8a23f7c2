// HTTPS and mutual TLS with certificates made by the openssl CLI for each run.

#include <boost/test/unit_test.hpp>

#include "tests/e2e/support/child_process.hpp"
#include "tests/e2e/support/http_client.hpp"
#include "tests/e2e/support/server_process.hpp"
#include "tests/e2e/support/test_certificates.hpp"

namespace e2e = switchboard::tests::e2e;

namespace {

// A server certificate for 127.0.0.1, a client certificate from the same CA and one from an
// unrelated CA.
struct Certificates : e2e::TestCertificates {
  Certificates() {
    issue_server("server", "ca");
    issue_client("client", "agent-1", "ca");
    issue_client("rogue", "agent-1", "rogue-ca");
  }

  e2e::Settings server_settings(bool mutual) const {
    return {{"tls.cert_file", file("server.crt")},
            {"tls.key_file", file("server.key")},
            {"tls.client_ca_file", mutual ? file("ca.crt") : ""}};
  }

  e2e::ClientTls client(const std::string& name) const {
    if (name.empty()) return {file("ca.crt"), "", ""};
    return {file("ca.crt"), file(name + ".crt"), file(name + ".key")};
  }
};

e2e::Endpoint with_client(e2e::Endpoint endpoint, e2e::ClientTls tls) {
  endpoint.tls = std::move(tls);
  return endpoint;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(tls, Certificates)

BOOST_AUTO_TEST_CASE(serves_https_with_the_configured_certificate) {
  e2e::ServerProcess server{server_settings(false), client("")};
  const auto r = e2e::get(server.endpoint(), "/healthz");
  BOOST_TEST(r.status == 200);

  // Plain HTTP to a TLS port gets no HTTP answer.
  BOOST_CHECK_THROW(e2e::get(e2e::Endpoint{"127.0.0.1", server.port(), std::nullopt}, "/healthz"),
                    std::exception);
}

BOOST_AUTO_TEST_CASE(mutual_tls_admits_only_clients_with_a_certificate_from_the_ca) {
  e2e::ServerProcess server{server_settings(true), client("client")};
  const auto endpoint = server.endpoint();

  const auto r = e2e::get(with_client(endpoint, client("client")), "/healthz");
  BOOST_TEST(r.status == 200);

  BOOST_CHECK_THROW(e2e::get(with_client(endpoint, client("")), "/healthz"), std::exception);
  BOOST_CHECK_THROW(e2e::get(with_client(endpoint, client("rogue")), "/healthz"), std::exception);
}

BOOST_AUTO_TEST_CASE(the_agent_session_cookie_is_secure_over_tls) {
  e2e::ServerProcess server{server_settings(false), client("")};
  BOOST_REQUIRE(e2e::run_to_end(SWITCHBOARD_ADMIN_BINARY,
                                {"--database-url", server.database().admin_url(), "agents",
                                 "create", "alice", "--cti-login", "op1", "--password", "secret"},
                                server.dir().path() / "admin.log") == 0);
  // No CTI API is reachable: the login still answers 200 (the login attaches later).
  e2e::HttpRequest login{.method = "POST",
                         .target = "/api/v1/login",
                         .headers = {{"Content-Type", "application/json"}},
                         .body = R"({"login":"alice","password":"secret"})",
                         .gzip_body = false};
  const auto r = e2e::send(server.endpoint(), login);
  BOOST_REQUIRE(r.status == 200);
  const auto cookie = r.header("Set-Cookie").value_or("");
  BOOST_TEST(cookie.starts_with("switchboard_session="), cookie);
  BOOST_TEST(cookie.find("; Secure") != std::string::npos, cookie);
}

BOOST_AUTO_TEST_SUITE_END()
