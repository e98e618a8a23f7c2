#include "tests/e2e/support/test_certificates.hpp"

#include <cstdlib>
#include <stdexcept>

namespace switchboard::tests::e2e {

TestCertificates::TestCertificates() {
  dir_.write("server.ext", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  dir_.write("client.ext", "extendedKeyUsage=clientAuth\n");
  run("ca",
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
      "-keyout ca.key -out ca.crt -days 2 -subj /CN=switchboard-test-ca");
  run("rogue-ca",
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
      "-keyout rogue-ca.key -out rogue-ca.crt -days 2 -subj /CN=rogue-ca");
}

void TestCertificates::issue_server(const std::string& name, const std::string& ca) {
  issue(name, "127.0.0.1", ca, "server.ext");
}

void TestCertificates::issue_client(const std::string& name, const std::string& cn,
                                    const std::string& ca) {
  issue(name, cn, ca, "client.ext");
}

void TestCertificates::run(const std::string& what, const std::string& command) const {
  const auto line = "cd '" + dir_.path().string() + "' && " + command + " >>openssl.log 2>&1";
  if (std::system(line.c_str()) != 0) {
    throw std::runtime_error("openssl failed making " + what + "; see " +
                             (dir_.path() / "openssl.log").string());
  }
}

void TestCertificates::issue(const std::string& name, const std::string& cn, const std::string& ca,
                             const std::string& ext) const {
  run(name, "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " + name +
                ".key -out " + name + ".csr -subj /CN=" + cn);
  run(name, "openssl x509 -req -in " + name + ".csr -CA " + ca + ".crt -CAkey " + ca +
                ".key -CAcreateserial -out " + name + ".crt -days 2 -extfile " + ext);
}

}  // namespace switchboard::tests::e2e
