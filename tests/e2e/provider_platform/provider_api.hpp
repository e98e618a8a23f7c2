#pragma once

// What the app, configuration, admin and token tests share: a server, a marketplace and an admin
// caller, request bodies, and polling for the read models (projections lag a little).

#include <rapidjson/document.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "tests/e2e/support/api_client.hpp"

namespace switchboard::tests::e2e {

inline rapidjson::Document json_of(const HttpResponse& r) {
  rapidjson::Document d;
  d.Parse(r.text().c_str());
  return d;
}

inline bool mentions(const HttpResponse& r, const std::string& text) {
  return r.text().find(text) != std::string::npos;
}

// The `field`s of a problem's errors, in order.
inline std::vector<std::string> problem_fields(const HttpResponse& r) {
  std::vector<std::string> fields;
  const auto d = json_of(r);
  if (!d.IsObject() || !d.HasMember("errors")) return fields;
  for (const auto& e : d["errors"].GetArray()) fields.emplace_back(e["field"].GetString());
  return fields;
}

// A configuration with every required endpoint at https://provider.example, `extra` spliced into
// the endpoints object (e.g. R"(,"bulk_send":"https://...")").
inline std::string configuration_body(int version, const std::string& app_version,
                                      const std::string& extra = {},
                                      const std::string& auth_type = "token") {
  return R"({"version":)" + std::to_string(version) + R"(,"app_version":")" + app_version +
         R"(","auth_type":")" + auth_type +
         R"(","endpoints":{"list_accounts":"https://provider.example/accounts",)"
         R"("send_message":"https://provider.example/send",)"
         R"("read_chat":"https://provider.example/read",)"
         R"("update_message_text":"https://provider.example/text",)"
         R"("update_message_status":"https://provider.example/status",)"
         R"("app_disabled":"https://provider.example/disabled")" +
         extra + "}}";
}

struct ProviderApi {
  ServerProcess server;
  ApiClient marketplace{server.endpoint(),
                        issue_token(server, domain::access::TokenKind::service, "marketplace")};
  ApiClient admin{server.endpoint(),
                  issue_token(server, domain::access::TokenKind::service, "admin")};

  ApiClient developer(const std::string& developer_id) const {
    return {server.endpoint(),
            issue_token(server, domain::access::TokenKind::developer, developer_id)};
  }

  // Registers `app_id` (first version 1.0) with the scope enabled in 1.0: provider `code`.
  void provider(const std::string& app_id, const std::string& code,
                const std::string& developer_id) const {
    const auto registered = marketplace.call("POST", "/internal/v1/apps",
                                             R"({"app_id":")" + app_id + R"(","system_name":")" +
                                                 code + R"(","developer_id":")" + developer_id +
                                                 R"(","initial_version":"1.0"})");
    BOOST_REQUIRE_MESSAGE(registered.status == 201, registered.text());
    const auto scope = marketplace.call("PUT", scope_path(app_id), R"({"app_version":"1.0"})");
    BOOST_REQUIRE_MESSAGE(scope.status == 200, scope.text());
  }

  static std::string scope_path(const std::string& app_id) {
    return "/internal/v1/apps/" + app_id + "/scopes/communications";
  }
  static std::string configurations_path(const std::string& code) {
    return "/developer/v1/providers/" + code + "/configurations";
  }

  long long events(const std::string& where) const {
    return server.database().count("SELECT count(*) FROM events WHERE " + where);
  }

  // Calls `target` until `done(response)` holds; fails the test after 20 s.
  HttpResponse until(const ApiClient& client, const std::string& target,
                     const std::function<bool(const HttpResponse&)>& done) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    for (;;) {
      auto r = client.call("GET", target);
      if (done(r)) return r;
      if (std::chrono::steady_clock::now() > deadline) {
        BOOST_FAIL(target << " never reached the expected state: " << r.status << " " << r.text());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
};

}  // namespace switchboard::tests::e2e
