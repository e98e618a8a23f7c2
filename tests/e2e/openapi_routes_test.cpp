// docs/openapi.yaml against the code: its `paths` and the server's route table list the same
// (method, path) pairs, and its `webhooks` are exactly the provider endpoints a configuration may
// name and the notice webhook, called the way the delivery worker calls them.

#include <boost/test/unit_test.hpp>
#include <set>
#include <sstream>
#include <string>

#include "api/delivery/targets.hpp"
#include "api/http/json_schema.hpp"
#include "domain/provider_platform/app.hpp"
#include "tests/e2e/support/openapi_spec.hpp"
#include "tests/e2e/support/server_process.hpp"

namespace e2e = switchboard::tests::e2e;
namespace delivery = switchboard::api::delivery;
namespace pp = switchboard::domain::provider_platform;

namespace {

std::set<std::string> served_routes() {
  const auto r = e2e::run_switchboard({"--print-routes"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  std::set<std::string> routes;
  std::istringstream lines{r.out};
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty()) routes.insert(line);
  }
  return routes;
}

}  // namespace

BOOST_AUTO_TEST_CASE(openapi_documents_exactly_the_served_routes) {
  const auto documented = e2e::documented_routes();
  const auto served = served_routes();
  BOOST_TEST(!served.empty());
  for (const auto& route : served) {
    BOOST_TEST(documented.contains(route), route << " is served but not in docs/openapi.yaml");
  }
  for (const auto& route : documented) {
    BOOST_TEST(served.contains(route), route << " is in docs/openapi.yaml but not served");
  }
}

BOOST_AUTO_TEST_CASE(openapi_webhooks_are_the_provider_endpoints_switchboard_calls) {
  const auto webhooks = e2e::documented_webhooks();
  std::set<std::string> configurable;
  for (const auto name : pp::kRequiredEndpoints) configurable.emplace(name);
  for (const auto name : pp::kOptionalEndpoints) configurable.emplace(name);

  for (const auto& name : configurable) {
    const auto it = webhooks.find(name);
    BOOST_TEST_CONTEXT("endpoint " << name) {
      BOOST_TEST((it != webhooks.end()), "a configuration may name it: no webhook");
      if (it == webhooks.end()) continue;
      const bool required = std::ranges::find(pp::kRequiredEndpoints, name) !=
                            std::ranges::end(pp::kRequiredEndpoints);
      BOOST_TEST(it->second.required == required, "x-switchboard-required");
      // The worker calls each endpoint with one method; one it never calls has no operation.
      std::string called;
      for (const auto& call : delivery::kEndpointCalls) {
        if (call.endpoint == name) called = call.method;
      }
      BOOST_TEST(it->second.method == called);
      // A call with a body documents it with a schema of api/schemas, the ones the tests
      // validate received bodies against; the others carry none.
      if (called == "POST") {
        BOOST_TEST(it->second.body_schema == "webhook_" + name + ".json");
        BOOST_TEST(switchboard::api::http::builtin_schemas().contains(it->second.body_schema));
      } else {
        BOOST_TEST(it->second.body_schema.empty());
      }
    }
  }
  for (const auto& [name, webhook] : webhooks) {
    // The developer registers it (PUT /developer/v1/notice-webhook); the worker POSTs to it.
    if (name == "notice_webhook") {
      BOOST_TEST(webhook.method == delivery::endpoint_of(delivery::kinds::notice_push).method);
      BOOST_TEST(webhook.body_schema == "webhook_notice_webhook.json");
      continue;
    }
    BOOST_TEST(configurable.contains(name),
               name << " is a webhook but no configuration may name it");
  }
  for (const auto& call : delivery::kEndpointCalls) {
    // The notice webhook, a developer's, is checked above.
    if (delivery::traits_of(call.kind).recipient == delivery::Recipient::developer) continue;
    BOOST_TEST(configurable.contains(std::string(call.endpoint)),
               call.endpoint << " is called but no configuration may name it");
  }
}
