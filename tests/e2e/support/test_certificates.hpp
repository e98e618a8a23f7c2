#pragma once

// Certificates made by the openssl CLI for each run, in a directory of their own: a CA ("ca"), an
// unrelated one ("rogue-ca"), and leaf certificates they issue (<name>.crt, <name>.key).

#include <string>

#include "tests/e2e/support/server_process.hpp"

namespace switchboard::tests::e2e {

class TestCertificates {
 public:
  TestCertificates();

  std::string file(const std::string& name) const { return (dir_.path() / name).string(); }

  // A server certificate for 127.0.0.1.
  void issue_server(const std::string& name, const std::string& ca);
  void issue_client(const std::string& name, const std::string& cn, const std::string& ca);

 private:
  void run(const std::string& what, const std::string& command) const;
  void issue(const std::string& name, const std::string& cn, const std::string& ca,
             const std::string& ext) const;

  TempDir dir_;
};

}  // namespace switchboard::tests::e2e
