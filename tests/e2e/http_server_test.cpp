// The operations routes and the cross-cutting behaviour of the HTTP layer, against the real
// binary with real PostgreSQL and NATS.

#include <rapidjson/document.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <thread>

#include "tests/e2e/support/http_client.hpp"
#include "tests/e2e/support/server_process.hpp"

namespace e2e = switchboard::tests::e2e;

namespace {

rapidjson::Document json_of(const e2e::HttpResponse& response) {
  rapidjson::Document d;
  const auto text = response.text();
  d.Parse(text.c_str());
  BOOST_REQUIRE_MESSAGE(!d.HasParseError(), "not JSON: " << text);
  return d;
}

void check_problem(const e2e::HttpResponse& response, int status) {
  BOOST_TEST(response.status == status);
  BOOST_TEST(response.header("Content-Type").value_or("") == "application/problem+json");
  const auto d = json_of(response);
  BOOST_TEST(d["status"].GetInt() == status);
  BOOST_TEST(d["title"].IsString());
  BOOST_TEST(d["type"].IsString());
}

bool is_hex_id(const std::string& id) {
  return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// Scrapes /metrics until `wanted` (one line) is there, for up to 20 s; the last text either way.
std::string metrics_with(const e2e::Endpoint& endpoint, const std::string& wanted) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{20};
  auto text = e2e::get(endpoint, "/metrics").text();
  while (text.find(wanted + "\n") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
    text = e2e::get(endpoint, "/metrics").text();
  }
  return text;
}

struct Server {
  e2e::ServerProcess process;
  e2e::Endpoint endpoint = process.endpoint();
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(http_server, Server)

BOOST_AUTO_TEST_CASE(healthz_answers_ok) {
  const auto r = e2e::get(endpoint, "/healthz");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.header("Content-Type").value_or("") == "application/json");
  BOOST_TEST(r.text() == R"({"status":"ok"})");
}

BOOST_AUTO_TEST_CASE(readyz_is_ok_with_postgresql_and_nats_up) {
  const auto r = e2e::get(endpoint, "/readyz");
  BOOST_TEST(r.status == 200, r.text());
  const auto d = json_of(r);
  BOOST_TEST(d["status"].GetString() == std::string{"ok"});
  BOOST_TEST(d["checks"]["database"].GetString() == std::string{"ok"});
  BOOST_TEST(d["checks"]["nats"].GetString() == std::string{"ok"});
}

BOOST_AUTO_TEST_CASE(metrics_count_requests_by_route_method_and_status) {
  e2e::get(endpoint, "/healthz");
  e2e::get(endpoint, "/healthz");
  e2e::get(endpoint, "/no/such/route");
  const auto r = e2e::get(endpoint, "/metrics");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.header("Content-Type").value_or("").starts_with("text/plain; version=0.0.4"));
  const auto text = r.text();
  BOOST_TEST(
      text.find(
          R"(switchboard_http_requests_total{route="/healthz",method="GET",status="200"} )") !=
          std::string::npos,
      text);
  BOOST_TEST(text.find(R"(method="GET",status="404"} 1)") != std::string::npos, text);
  BOOST_TEST(text.find("# TYPE switchboard_http_request_duration_seconds histogram") !=
             std::string::npos);
  BOOST_TEST(text.find(R"(switchboard_http_request_duration_seconds_count{route="/healthz"} )") !=
             std::string::npos);
}

// Projections and the delivery reactor (which starts once NATS is reached) are one metric family:
// the node holding each one's ownership lock says 1, the others 0, and that moves on takeover.
BOOST_AUTO_TEST_CASE(metrics_say_which_projections_and_reactors_this_node_runs) {
  const std::string delivery_owned = R"(switchboard_projection_owner{projection="delivery"} 1)";
  const std::string delivery_not_owned = R"(switchboard_projection_owner{projection="delivery"} 0)";
  const auto first = metrics_with(endpoint, delivery_owned);
  BOOST_TEST(first.find(delivery_owned + "\n") != std::string::npos, first);
  const std::string catalog_owned =
      R"(switchboard_projection_owner{projection="stream_catalog"} 1)";
  const auto catalog = metrics_with(endpoint, catalog_owned);
  BOOST_TEST(catalog.find(catalog_owned + "\n") != std::string::npos, catalog);
  BOOST_TEST(first.find(R"(switchboard_projection_lag_events{projection="delivery"} )") !=
                 std::string::npos,
             first);
  const auto families = [](const std::string& text) {
    std::size_t n = 0;
    for (auto at = text.find("# TYPE switchboard_projection_owner gauge"); at != std::string::npos;
         at = text.find("# TYPE switchboard_projection_owner gauge", at + 1)) {
      ++n;
    }
    return n;
  };
  BOOST_TEST(families(first) == 1u);

  e2e::ServerProcess second{{{"database.url", process.database().app_url()},
                             {"database.admin_url", process.database().admin_url()}}};
  // The first node holds the reactor's lock.
  const auto waiting = metrics_with(second.endpoint(), delivery_not_owned);
  BOOST_TEST(waiting.find(delivery_not_owned + "\n") != std::string::npos, waiting);
  BOOST_TEST(metrics_with(endpoint, delivery_owned).find(delivery_owned + "\n") !=
             std::string::npos);

  BOOST_REQUIRE_EQUAL(process.stop(), 0);
  const auto took_over = metrics_with(second.endpoint(), delivery_owned);
  BOOST_TEST(took_over.find(delivery_owned + "\n") != std::string::npos, took_over);
}

BOOST_AUTO_TEST_CASE(request_id_is_echoed_or_generated) {
  auto r = e2e::get(endpoint, "/healthz", {{"X-Request-Id", "client-id-42"}});
  BOOST_TEST(r.header("X-Request-Id").value_or("") == "client-id-42");

  r = e2e::get(endpoint, "/healthz");
  BOOST_TEST(is_hex_id(r.header("X-Request-Id").value_or("")));

  // Text that could forge log lines is replaced, not echoed.
  r = e2e::get(endpoint, "/healthz", {{"X-Request-Id", "has spaces & symbols"}});
  BOOST_TEST(is_hex_id(r.header("X-Request-Id").value_or("")));

  // Errors carry it too.
  r = e2e::get(endpoint, "/nope", {{"X-Request-Id", "lost-1"}});
  BOOST_TEST(r.header("X-Request-Id").value_or("") == "lost-1");
}

BOOST_AUTO_TEST_CASE(unknown_route_is_a_404_problem) {
  const auto r = e2e::get(endpoint, "/api/v1/unknown");
  check_problem(r, 404);
}

BOOST_AUTO_TEST_CASE(wrong_method_is_a_405_problem_with_allow) {
  const auto r = e2e::send(
      endpoint,
      {.method = "POST", .target = "/healthz", .headers = {}, .body = "{}", .gzip_body = false});
  check_problem(r, 405);
  BOOST_TEST(r.header("Allow").value_or("") == "GET");
  const auto del = e2e::send(endpoint, {.method = "DELETE", .target = "/metrics"});
  check_problem(del, 405);
}

BOOST_AUTO_TEST_CASE(oversized_body_is_a_413_problem) {
  // Routes take 1 MiB unless they say otherwise.
  const auto r = e2e::send(endpoint, {.method = "GET",
                                      .target = "/healthz",
                                      .headers = {{"Content-Type", "application/octet-stream"}},
                                      .body = std::string((1 << 20) + 1, 'x'),
                                      .gzip_body = false});
  check_problem(r, 413);
}

BOOST_AUTO_TEST_CASE(gzip_request_bodies_are_inflated_within_the_limit) {
  auto r = e2e::send(endpoint, {.method = "GET",
                                .target = "/healthz",
                                .headers = {},
                                .body = R"({"small":"body"})",
                                .gzip_body = true});
  BOOST_TEST(r.status == 200);

  // 4 KiB on the wire, 4 MiB inflated: the limit applies to what the handler would see.
  r = e2e::send(endpoint, {.method = "GET",
                           .target = "/healthz",
                           .headers = {},
                           .body = std::string(4 << 20, '\0'),
                           .gzip_body = true});
  check_problem(r, 413);

  r = e2e::send(endpoint, {.method = "GET",
                           .target = "/healthz",
                           .headers = {{"Content-Encoding", "gzip"}},
                           .body = "this is not gzip",
                           .gzip_body = false});
  check_problem(r, 400);

  r = e2e::send(endpoint, {.method = "GET",
                           .target = "/healthz",
                           .headers = {{"Content-Encoding", "br"}},
                           .body = "x",
                           .gzip_body = false});
  check_problem(r, 415);
}

BOOST_AUTO_TEST_CASE(large_responses_are_gzipped_when_the_client_accepts_it) {
  for (int i = 0; i < 5; ++i) e2e::get(endpoint, "/healthz");

  const auto plain = e2e::get(endpoint, "/metrics");
  BOOST_TEST(!plain.header("Content-Encoding").has_value());
  BOOST_TEST(plain.body.size() > 512u);

  const auto packed = e2e::get(endpoint, "/metrics", {{"Accept-Encoding", "br, gzip"}});
  BOOST_TEST(packed.header("Content-Encoding").value_or("") == "gzip");
  BOOST_TEST(packed.header("Vary").value_or("") == "Accept-Encoding");
  BOOST_TEST(packed.body.size() < packed.text().size());
  BOOST_TEST(packed.text().find("switchboard_http_requests_total") != std::string::npos);

  // Small bodies are not worth compressing.
  const auto small = e2e::get(endpoint, "/healthz", {{"Accept-Encoding", "gzip"}});
  BOOST_TEST(!small.header("Content-Encoding").has_value());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(readyz_names_nats_when_it_is_down) {
  e2e::ServerProcess server{{{"nats.url", "nats://127.0.0.1:" + std::to_string(e2e::free_port())}}};
  const auto r = e2e::get(server.endpoint(), "/readyz");
  check_problem(r, 503);
  const auto d = json_of(r);
  BOOST_TEST(std::string{d["detail"].GetString()}.find("nats") != std::string::npos);
  BOOST_REQUIRE(d["errors"].IsArray());
  BOOST_REQUIRE(d["errors"].Size() == 1u);
  BOOST_TEST(d["errors"][0]["field"].GetString() == std::string{"nats"});
  BOOST_TEST(std::string{d["errors"][0]["message"].GetString()}.find("NATS") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(readyz_names_the_database_when_it_is_down) {
  e2e::ServerProcess server{{{"database.url", "postgresql://postgres@127.0.0.1:" +
                                                  std::to_string(e2e::free_port()) + "/postgres"}}};
  const auto r = e2e::get(server.endpoint(), "/readyz");
  check_problem(r, 503);
  const auto d = json_of(r);
  BOOST_REQUIRE(d["errors"].Size() == 1u);
  BOOST_TEST(d["errors"][0]["field"].GetString() == std::string{"database"});
}

BOOST_AUTO_TEST_CASE(stops_cleanly_on_sigterm) {
  e2e::ServerProcess server;
  BOOST_TEST(server.stop() == 0, server.output());
  BOOST_TEST(server.output().find("server stopped") != std::string::npos);
}
