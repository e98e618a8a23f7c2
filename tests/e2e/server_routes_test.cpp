// The Server with routes of the test's own, in process, over real sockets: what the operations
// routes cannot show (body schemas, path and query parameters, async handlers, failures).

#include <rapidjson/document.h>

#include <boost/test/unit_test.hpp>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

#include "api/http/server.hpp"
#include "tests/e2e/support/http_client.hpp"
#include "tests/e2e/support/server_process.hpp"

namespace e2e = switchboard::tests::e2e;
namespace http = switchboard::api::http;

namespace {

http::Router test_routes() {
  http::Router router;
  router.add(http::Method::get, "/things/:tenant/items/:id", [](const http::Request& r) {
    return http::json(200, "{\"tenant\":\"" + r.params.at("tenant") + "\",\"id\":\"" +
                               r.params.at("id") + "\",\"page\":\"" +
                               r.query_param("page").value_or("") + "\",\"route\":\"" + r.route +
                               "\"}");
  });
  // Any valid RFC 7807 document will do as a body: api/schemas/problem.json is the one schema
  // every build has.
  router.add(http::Method::post, "/things",
             [](const http::Request& r) { return http::json(201, r.body); },
             {.body_schema = "problem", .max_body_bytes = 256});
  router.add(http::Method::put, "/things", [](const http::Request&) -> http::Response {
    throw std::runtime_error("handler bug");
  });
  router.add_async(http::Method::patch, "/things", [](http::Request r, http::Responder respond) {
    std::thread{[r = std::move(r), respond = std::move(respond)] {
      respond(http::json(200, "{\"async\":\"" + r.request_id + "\"}"));
    }}.detach();
  });
  router.add_async(http::Method::del, "/things", [](http::Request, http::Responder) {});
  return router;
}

struct InProcessServer {
  http::Router router = test_routes();
  http::Metrics metrics;
  std::uint16_t port = e2e::free_port();
  http::Server server{http::ServerSettings{.address = "127.0.0.1", .port = port, .threads = 2},
                      router, metrics};
  std::thread runner{[this] { server.run(); }};
  e2e::Endpoint endpoint{"127.0.0.1", port, std::nullopt};

  InProcessServer() {
    for (int i = 0; i < 200; ++i) {
      try {
        e2e::get(endpoint, "/");
        return;
      } catch (const std::exception&) {
        std::this_thread::sleep_for(std::chrono::milliseconds{20});
      }
    }
  }
  ~InProcessServer() {
    server.stop();
    runner.join();
  }

  e2e::HttpResponse post(std::string body, std::string content_type = "application/json") {
    return e2e::send(endpoint, {.method = "POST",
                                .target = "/things",
                                .headers = {{"Content-Type", std::move(content_type)}},
                                .body = std::move(body),
                                .gzip_body = false});
  }
};

rapidjson::Document json_of(const e2e::HttpResponse& r) {
  rapidjson::Document d;
  d.Parse(r.text().c_str());
  BOOST_REQUIRE_MESSAGE(!d.HasParseError(), r.text());
  return d;
}

std::string first_error_field(const e2e::HttpResponse& r) {
  const auto d = json_of(r);
  BOOST_REQUIRE(d.HasMember("errors") && d["errors"].Size() > 0);
  return d["errors"][0]["field"].GetString();
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(server_routes, InProcessServer)

BOOST_AUTO_TEST_CASE(path_and_query_parameters_reach_the_handler_decoded) {
  const auto r = e2e::get(endpoint, "/things/acme%20corp/items/42?page=3&x=%C3%A9");
  BOOST_TEST(r.status == 200);
  const auto d = json_of(r);
  BOOST_TEST(d["tenant"].GetString() == std::string{"acme corp"});
  BOOST_TEST(d["id"].GetString() == std::string{"42"});
  BOOST_TEST(d["page"].GetString() == std::string{"3"});
  BOOST_TEST(d["route"].GetString() == std::string{"/things/:tenant/items/:id"});
}

BOOST_AUTO_TEST_CASE(a_valid_body_reaches_the_handler) {
  const auto r = post(R"({"type":"about:blank","title":"t","status":400})");
  BOOST_TEST(r.status == 201, r.text());
}

BOOST_AUTO_TEST_CASE(schema_failures_are_400_problems_naming_the_field) {
  auto r = post(R"({"type":"about:blank","title":"t"})");
  BOOST_TEST(r.status == 400);
  BOOST_TEST(r.header("Content-Type").value_or("") == "application/problem+json");
  BOOST_TEST(first_error_field(r) == "/status");

  r = post(R"({"type":"about:blank","title":"t","status":"400"})");
  BOOST_TEST(r.status == 400);
  BOOST_TEST(first_error_field(r) == "/status");

  r = post(R"({"type":"about:blank","title":"t","status":400,"errors":[{"field":"x"}]})");
  BOOST_TEST(r.status == 400);
  BOOST_TEST(first_error_field(r) == "/errors/0/message");

  r = post(R"({"type": "about:blank", "title": )");
  BOOST_TEST(r.status == 400);
  BOOST_TEST(json_of(r)["title"].GetString() == std::string{"malformed JSON"});
}

BOOST_AUTO_TEST_CASE(a_json_route_refuses_other_content_types) {
  const auto r = post(R"({"type":"about:blank","title":"t","status":400})", "text/plain");
  BOOST_TEST(r.status == 415);
  BOOST_TEST(first_error_field(r) == "Content-Type");
}

BOOST_AUTO_TEST_CASE(the_route_body_limit_applies) {
  const auto r =
      post(R"({"type":"about:blank","title":")" + std::string(300, 'x') + R"(","status":400})");
  BOOST_TEST(r.status == 413);
}

BOOST_AUTO_TEST_CASE(a_throwing_handler_gives_a_500_problem_and_the_server_goes_on) {
  const auto r = e2e::send(endpoint, {.method = "PUT", .target = "/things"});
  BOOST_TEST(r.status == 500);
  const auto d = json_of(r);
  BOOST_TEST(std::string{d["detail"].GetString()}.find(r.header("X-Request-Id").value()) !=
             std::string::npos);
  BOOST_TEST(std::string{d["detail"].GetString()}.find("handler bug") == std::string::npos);
  BOOST_TEST(e2e::get(endpoint, "/things/a/items/b").status == 200);
}

BOOST_AUTO_TEST_CASE(async_handlers_may_answer_from_another_thread) {
  const auto r = e2e::send(
      endpoint, {.method = "PATCH", .target = "/things", .headers = {{"X-Request-Id", "async-1"}}});
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.text() == R"({"async":"async-1"})");
}

BOOST_AUTO_TEST_CASE(a_dropped_responder_still_gets_an_answer) {
  const auto r = e2e::send(endpoint, {.method = "DELETE", .target = "/things"});
  BOOST_TEST(r.status == 500);
}

BOOST_AUTO_TEST_CASE(allow_lists_every_method_of_the_path) {
  const auto r = e2e::get(endpoint, "/things");
  BOOST_TEST(r.status == 405);
  BOOST_TEST(r.header("Allow").value_or("") == "DELETE, PATCH, POST, PUT");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(a_route_naming_an_unknown_schema_is_refused_at_construction) {
  http::Router router;
  router.add(http::Method::post, "/x", [](const http::Request&) { return http::json(200, "{}"); },
             {.body_schema = "no_such_schema"});
  http::Metrics metrics;
  BOOST_CHECK_THROW((http::Server{http::ServerSettings{}, router, metrics}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(plain_http_on_a_public_address_is_refused_at_run) {
  http::Router router;
  http::Metrics metrics;
  http::Server server{http::ServerSettings{.address = "0.0.0.0", .port = e2e::free_port()}, router,
                      metrics};
  BOOST_CHECK_THROW(server.run(), std::runtime_error);
  BOOST_TEST(http::is_loopback("127.8.9.10"));
  BOOST_TEST(http::is_loopback("::1"));
  BOOST_TEST(!http::is_loopback("10.0.0.1"));
  BOOST_TEST(!http::is_loopback("::"));
}

// A CTI command can still hold its request when the server stops (it waits for held requests only
// up to the request timeout), and be answered or dropped once the server and the router are gone:
// that must neither touch them nor the connection's I/O context (AddressSanitizer reports it
// otherwise, a release build may crash at exit).
BOOST_AUTO_TEST_CASE(a_request_answered_after_the_server_is_gone_goes_nowhere_safely) {
  std::mutex mutex;
  std::condition_variable arrived;
  http::Responder held;
  std::vector<http::ErrorReport> reports;
  auto router = std::make_unique<http::Router>();
  router->add_async(http::Method::get, "/held",
                    [&](http::Request, http::Responder respond) {
                      std::lock_guard lock{mutex};
                      held = std::move(respond);
                      arrived.notify_all();
                    },
                    {.on_error = [&](http::ErrorReport report) {
                      std::lock_guard lock{mutex};
                      reports.push_back(std::move(report));
                    }});
  http::Metrics metrics;
  const auto port = e2e::free_port();
  auto server = std::make_unique<http::Server>(
      http::ServerSettings{.address = "127.0.0.1",
                           .port = port,
                           .threads = 1,
                           .request_timeout = std::chrono::milliseconds{300}},
      *router, metrics);
  std::thread runner{[&server] { server->run(); }};
  const e2e::Endpoint endpoint{"127.0.0.1", port, std::nullopt};
  auto client = std::async(std::launch::async, [&endpoint] {
    for (int i = 0; i < 200; ++i) {
      try {
        return e2e::get(endpoint, "/held").status;
      } catch (const std::exception& e) {
        // Refused until the server listens; closed unanswered once it stopped.
        if (std::string{e.what()}.find("refused") == std::string::npos) return 0;
        std::this_thread::sleep_for(std::chrono::milliseconds{20});
      }
    }
    return -1;
  });
  bool holding = false;
  {
    std::unique_lock lock{mutex};
    holding = arrived.wait_for(lock, std::chrono::seconds{10}, [&] { return held != nullptr; });
  }
  server->stop();
  runner.join();
  BOOST_REQUIRE_MESSAGE(holding, "the request never reached its handler");
  server.reset();
  router.reset();

  held(http::problem(503, "answered too late"));
  held = nullptr;
  BOOST_TEST(client.get() == 0);
  BOOST_REQUIRE(reports.size() == 1);
  BOOST_TEST(reports[0].route == "/held");
  BOOST_TEST(reports[0].status == 503);
}
