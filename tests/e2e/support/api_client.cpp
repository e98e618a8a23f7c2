#include "tests/e2e/support/api_client.hpp"

#include <chrono>
#include <stdexcept>
#include <thread>

#include "commands/access/access_commands.hpp"
#include "eventstore/event_store.hpp"

namespace switchboard::tests::e2e {

std::string issue_token(const ServerProcess& server, domain::access::TokenKind kind,
                        const std::string& subject_or_role) {
  const auto& db = server.database();
  eventstore::EventStore store({.database_url = db.app_url(), .flushers = 1, .readers = 1});
  commands::access::AccessCommands tokens(store);
  const bool service = kind == domain::access::TokenKind::service;
  auto result =
      tokens.issue(kind, service ? "" : subject_or_role, service ? subject_or_role : "", "e2e",
                   {.tenant = {},
                    .actor = "test",
                    .correlation_id = "test",
                    .causation_id = {},
                    .command_id = commands::new_uuid()});
  const auto* issued = std::get_if<commands::access::IssuedToken>(&result);
  if (issued == nullptr) throw std::runtime_error("could not issue a token");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (db.count("SELECT count(*) FROM access_tokens WHERE token_id = '" + issued->token_id +
                  "'") == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("the server's projection never saw the token");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return issued->secret;
}

HttpResponse ApiClient::call(const std::string& method, const std::string& target,
                             const std::string& body,
                             std::vector<std::pair<std::string, std::string>> headers) const {
  HttpRequest request;
  request.method = method;
  request.target = target;
  request.body = body;
  request.headers = std::move(headers);
  if (!token_.empty()) request.headers.emplace_back("Authorization", "Bearer " + token_);
  if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  return send(endpoint_, request);
}

}  // namespace switchboard::tests::e2e
