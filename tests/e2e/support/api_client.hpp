#pragma once

// A caller of a running server with a bearer token: what the platform's e2e tests and the
// guides' examples use.

#include <string>

#include "domain/access/access_token.hpp"
#include "tests/e2e/support/server_process.hpp"

namespace switchboard::tests::e2e {

// Issues a token straight into the server's database (as the admin CLI does) and waits until
// the server's access_tokens projection knows it. Returns the secret.
std::string issue_token(const ServerProcess& server, domain::access::TokenKind kind,
                        const std::string& subject_or_role);

class ApiClient {
 public:
  ApiClient(Endpoint endpoint, std::string token)
      : endpoint_(std::move(endpoint)), token_(std::move(token)) {}

  HttpResponse call(const std::string& method, const std::string& target,
                    const std::string& body = {},
                    std::vector<std::pair<std::string, std::string>> headers = {}) const;

 private:
  Endpoint endpoint_;
  std::string token_;
};

}  // namespace switchboard::tests::e2e
