// POST /api/v1/login and /api/v1/logout over real sockets, and what every CTI route does without
// a valid session.

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/test/unit_test.hpp>
#include <future>
#include <pqxx/pqxx>
#include <sstream>
#include <thread>

#include "tests/e2e/cti/support/cti_stack.hpp"

namespace cti = switchboard::tests::e2e::cti;
namespace e2e = switchboard::tests::e2e;

BOOST_AUTO_TEST_SUITE(cti_login)

BOOST_AUTO_TEST_CASE(login_answers_200_400_401_as_the_seed_lists) {
  cti::CtiStack stack;
  stack.create_agent("alice", "op1", "alice-secret");
  const auto endpoint = stack.server().endpoint();

  auto ok =
      cti::post_json(endpoint, "/api/v1/login", R"({"login":"alice","password":"alice-secret"})");
  BOOST_TEST(ok.status == 200);
  const auto body = cti::parse(ok.text());
  BOOST_TEST(std::string{body["ctiLogin"].GetString()} == "op1");
  BOOST_TEST(std::string{body["token"].GetString()}.size() == 64u);
  BOOST_TEST(ok.header("Set-Cookie").value_or("").find("switchboard_session=") == 0u);
  // Plain HTTP (loopback only): a Secure cookie would never be sent back.
  BOOST_TEST(ok.header("Set-Cookie").value_or("").find("Secure") == std::string::npos);

  BOOST_TEST(
      cti::post_json(endpoint, "/api/v1/login", R"({"login":"alice","password":"nope"})").status ==
      401);
  BOOST_TEST(
      cti::post_json(endpoint, "/api/v1/login", R"({"login":"mallory","password":"x"})").status ==
      401);

  const auto missing = cti::post_json(endpoint, "/api/v1/login", R"({"login":"alice"})");
  BOOST_TEST(missing.status == 400);
  BOOST_TEST(missing.text().find("password") != std::string::npos);
  BOOST_TEST(
      cti::post_json(endpoint, "/api/v1/login", R"({"login":"alice","password":5})").status == 400);
  BOOST_TEST(cti::post_json(endpoint, "/api/v1/login", "{not json").status == 400);
  BOOST_TEST(cti::post_json(endpoint, "/api/v1/login", "[]").status == 400);
  BOOST_TEST(cti::post_json(endpoint, "/api/v1/login",
                            R"({"login":"alice","password":"alice-secret","extra":1})")
                 .status == 400);

  // gzip request body, as the agent CLI sends it.
  e2e::HttpRequest gz{
      .method = "POST", .target = "/api/v1/login", .headers = {}, .body = {}, .gzip_body = true};
  gz.headers.emplace_back("Content-Type", "application/json");
  gz.body = R"({"login":"alice","password":"alice-secret"})";
  BOOST_TEST(e2e::send(endpoint, gz).status == 200);
}

BOOST_AUTO_TEST_CASE(session_by_cookie_or_bearer_and_logout_ends_it) {
  cti::CtiStack stack;
  stack.create_agent("alice", "op1", "alice-secret");
  const auto endpoint = stack.server().endpoint();
  const auto token = stack.login("alice", "alice-secret");

  BOOST_TEST(cti::get_events(endpoint, token, "wait=0").status != 401);
  e2e::HttpRequest by_cookie{
      .method = "GET", .target = "/api/v1/events", .headers = {}, .body = {}, .gzip_body = false};
  by_cookie.headers.emplace_back("Cookie", "theme=dark; switchboard_session=" + token);
  BOOST_TEST(e2e::send(endpoint, by_cookie).status != 401);

  BOOST_TEST(cti::post_json(endpoint, "/api/v1/logout", "", token).status == 204);
  BOOST_TEST(cti::get_events(endpoint, token).status == 401);
  BOOST_TEST(cti::post_json(endpoint, "/api/v1/logout", "", token).status == 401);
}

BOOST_AUTO_TEST_CASE(every_cti_route_refuses_missing_or_forged_sessions) {
  cti::CtiStack stack;
  stack.create_agent("alice", "op1", "alice-secret");
  const auto endpoint = stack.server().endpoint();
  const auto ended = stack.login("alice", "alice-secret");
  BOOST_TEST(cti::post_json(endpoint, "/api/v1/logout", "", ended).status == 204);
  const std::string forged(64, 'a');
  for (const std::string& token : {std::string{}, forged, std::string{"short"}, ended}) {
    BOOST_TEST(cti::get_events(endpoint, token).status == 401);
    BOOST_TEST(cti::get_events(endpoint, token, "after=abc").status == 401);
    BOOST_TEST(
        cti::post_json(endpoint, "/api/v1/control", R"({"name":"GetCalls"})", token).status == 401);
    // The session is checked before the body, so its shape is told to agents only.
    for (const std::string& body : {std::string{R"({"name":5})"}, std::string{"{"}}) {
      const auto r = cti::post_json(endpoint, "/api/v1/control", body, token);
      BOOST_TEST(r.status == 401, body << " -> " << r.status << " " << r.text());
    }
    BOOST_TEST(cti::post_json(endpoint, "/api/v1/logout", "", token).status == 401);
  }
  const auto valid = stack.login("alice", "alice-secret");
  const auto malformed = cti::post_json(endpoint, "/api/v1/control", R"({"name":5})", valid);
  BOOST_TEST(malformed.status == 400, malformed.text());
  BOOST_TEST(malformed.text().find(R"("field":"/name")") != std::string::npos, malformed.text());
  // A body over the route's limit is refused before the session: it is never read.
  const auto oversized = cti::post_json(endpoint, "/api/v1/control",
                                        R"({"name":")" + std::string(5000, 'a') + R"("})");
  BOOST_TEST(oversized.status == 413, oversized.text());
}

BOOST_AUTO_TEST_CASE(a_disabled_agent_cannot_log_in_and_loses_its_sessions) {
  cti::CtiStack stack;
  stack.create_agent("alice", "op1", "alice-secret");
  const auto endpoint = stack.server().endpoint();
  const auto token = stack.login("alice", "alice-secret");
  BOOST_TEST(cti::get_events(endpoint, token).status != 401);
  BOOST_TEST(stack.admin({"agents", "disable", "alice"}) == 0);
  // Every node re-checks a session at least once a second.
  BOOST_TEST(cti::eventually([&] { return cti::get_events(endpoint, token).status == 401; }));
  BOOST_TEST(
      cti::post_json(endpoint, "/api/v1/login", R"({"login":"alice","password":"alice-secret"})")
          .status == 401);
  BOOST_TEST(stack.admin({"agents", "enable", "alice"}) == 0);
  BOOST_TEST(stack.admin({"agents", "reset-password", "alice", "--password", "new-secret"}) == 0);
  BOOST_TEST(
      cti::post_json(endpoint, "/api/v1/login", R"({"login":"alice","password":"alice-secret"})")
          .status == 401);
  BOOST_TEST(
      cti::post_json(endpoint, "/api/v1/login", R"({"login":"alice","password":"new-secret"})")
          .status == 200);
}

// The reasons recorded with the ended sessions, in the log's order.
std::vector<std::string> session_end_reasons(cti::CtiStack& stack) {
  pqxx::connection c(stack.server().database().admin_url());
  std::vector<std::string> reasons;
  for (const auto& r : pqxx::read_transaction(c).exec(
           "SELECT data->>'reason' FROM events WHERE event_type = 'CtiSessionEnded'"
           " ORDER BY global_position")) {
    reasons.push_back(r[0].as<std::string>());
  }
  return reasons;
}

// The OPEN SESSIONS column of `agents list` for `login` (the directory projection's view).
std::string open_sessions(cti::CtiStack& stack, const std::string& login) {
  std::string output;
  stack.admin({"agents", "list"}, &output);
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(login + " ")) return line.substr(line.find_last_of(' ') + 1);
  }
  return {};
}

BOOST_AUTO_TEST_CASE(disabling_or_re_keying_an_agent_ends_its_sessions_and_detaches_its_login) {
  cti::CtiStack stack;
  stack.create_agent("alice", "op1", "alice-secret");
  const auto endpoint = stack.server().endpoint();
  const auto first = stack.login("alice", "alice-secret");
  BOOST_REQUIRE(cti::eventually([&] { return stack.cti().attached("op1"); }));
  // The projection lists a session once it applied it.
  BOOST_REQUIRE(cti::eventually([&] { return open_sessions(stack, "alice") == "1"; }));

  std::string output;
  BOOST_TEST(stack.admin({"agents", "disable", "alice"}, &output) == 0);
  BOOST_TEST(output.find("1 open session(s) ended") != std::string::npos, output);
  BOOST_TEST(cti::eventually([&] { return cti::get_events(endpoint, first).status == 401; }));
  // No connector heard of it: the reconcile detaches the login that no open session needs.
  BOOST_TEST(
      cti::eventually([&] { return !stack.cti().attached("op1"); }, std::chrono::seconds{40}));

  BOOST_TEST(stack.admin({"agents", "enable", "alice"}) == 0);
  const auto second = stack.login("alice", "alice-secret");
  BOOST_REQUIRE(cti::eventually([&] { return open_sessions(stack, "alice") == "1"; }));
  BOOST_TEST(stack.admin({"agents", "reset-password", "alice", "--password", "new-secret"}) == 0);
  BOOST_TEST(cti::eventually([&] { return cti::get_events(endpoint, second).status == 401; }));
  BOOST_TEST(
      cti::eventually([&] { return !stack.cti().attached("op1"); }, std::chrono::seconds{40}));
  const std::vector<std::string> reasons{"agent disabled", "password reset"};
  BOOST_TEST(session_end_reasons(stack) == reasons, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_cti_login_already_bound_to_another_agent_is_refused) {
  cti::CtiStack stack;
  stack.create_agent("alice", "op1", "alice-secret");
  std::string output;
  BOOST_TEST(stack.admin({"agents", "create", "bob", "--cti-login", "op1", "--password", "b"},
                         &output) != 0);
  BOOST_TEST(output.find("already bound to agent alice") != std::string::npos, output);
  BOOST_TEST(cti::post_json(stack.server().endpoint(), "/api/v1/login",
                            R"({"login":"bob","password":"b"})")
                 .status == 401);

  // Alice exists already: her refused re-registration with op2 leaves op2 free for carol.
  BOOST_TEST(stack.admin({"agents", "create", "alice", "--cti-login", "op2", "--password", "a"}) !=
             0);
  BOOST_TEST(stack.admin({"agents", "create", "carol", "--cti-login", "op2", "--password", "c"}) ==
             0);

  // Of two registrations racing for one CTI login exactly one wins.
  const auto create = [&](const std::string& login) {
    return stack.admin({"agents", "create", login, "--cti-login", "op3", "--password", "x"});
  };
  auto first = std::async(std::launch::async, create, "dave");
  auto second = std::async(std::launch::async, create, "erin");
  const int a = first.get();
  const int b = second.get();
  BOOST_TEST(((a == 0) != (b == 0)), "exit codes " << a << " and " << b);
}

// The CTI login of the session a login opens for `login`.
std::string session_cti_login(cti::CtiStack& stack, const std::string& login,
                              const std::string& password) {
  const auto r = cti::post_json(stack.server().endpoint(), "/api/v1/login",
                                R"({"login":")" + login + R"(","password":")" + password + R"("})");
  BOOST_REQUIRE_MESSAGE(r.status == 200, r.text());
  return cti::parse(r.text())["ctiLogin"].GetString();
}

BOOST_AUTO_TEST_CASE(a_rebound_or_released_cti_login_goes_to_another_agent) {
  cti::CtiStack stack;
  stack.create_agent("alice", "op1", "alice-secret");
  const auto endpoint = stack.server().endpoint();
  const auto token = stack.login("alice", "alice-secret");
  BOOST_REQUIRE(cti::eventually([&] { return open_sessions(stack, "alice") == "1"; }));

  // Moving alice to op2 ends her session on op1 and frees op1 for bob.
  std::string output;
  BOOST_TEST(stack.admin({"agents", "rebind", "alice", "--cti-login", "op2"}, &output) == 0);
  BOOST_TEST(output.find("agent alice bound to CTI login op2; 1 open session(s) ended") !=
                 std::string::npos,
             output);
  BOOST_TEST(cti::eventually([&] { return cti::get_events(endpoint, token).status == 401; }));
  stack.create_agent("bob", "op1", "bob-secret");
  BOOST_TEST(session_cti_login(stack, "bob", "bob-secret") == "op1");
  BOOST_TEST(session_cti_login(stack, "alice", "alice-secret") == "op2");

  // A disabled agent keeps hers until it is released; then carol may have it, and alice stays
  // disabled until she is bound to another one.
  BOOST_TEST(stack.admin({"agents", "disable", "alice"}) == 0);
  BOOST_TEST(stack.admin({"agents", "create", "carol", "--cti-login", "op2", "--password", "c"},
                         &output) != 0);
  BOOST_TEST(output.find("already bound to agent alice") != std::string::npos, output);
  BOOST_TEST(stack.admin({"agents", "release-login", "bob"}, &output) != 0);
  BOOST_TEST(output.find("disable it first") != std::string::npos, output);
  BOOST_TEST(stack.admin({"agents", "release-login", "alice"}) == 0);
  stack.create_agent("carol", "op2", "carol-secret");
  BOOST_TEST(session_cti_login(stack, "carol", "carol-secret") == "op2");
  BOOST_TEST(stack.admin({"agents", "enable", "alice"}, &output) != 0);
  BOOST_TEST(output.find("rebind it first") != std::string::npos, output);
}

BOOST_AUTO_TEST_CASE(a_cti_login_the_cti_api_refuses_is_502_and_its_session_is_ended) {
  cti::CtiStack stack;
  stack.create_agent("alice", "op1", "alice-secret");
  stack.create_agent("bob", "op9", "bob-secret");
  BOOST_REQUIRE(stack.cti().control("/refuse-login", R"({"login":"op9"})").status == 200);
  // Before the connection is up an attach has no verdict yet (and the login answers 200).
  BOOST_REQUIRE(cti::eventually([&] { return stack.cti().state()["ready"].GetInt() == 1; }));
  const auto endpoint = stack.server().endpoint();

  const auto refused =
      cti::post_json(endpoint, "/api/v1/login", R"({"login":"bob","password":"bob-secret"})");
  BOOST_TEST(refused.status == 502, refused.text());
  BOOST_TEST(refused.header("Content-Type").value_or("") == "application/problem+json");
  const auto problem = cti::parse(refused.text());
  BOOST_TEST(std::string{problem["detail"].GetString()} == "unknown login op9");
  BOOST_TEST(!problem.HasMember("token"));
  BOOST_TEST(!refused.header("Set-Cookie").has_value());
  BOOST_TEST(!stack.cti().attached("op9"));

  // The session was opened and ended again, both in the log under the login's request id.
  const auto request_id = refused.header("X-Request-Id").value_or("");
  BOOST_REQUIRE(!request_id.empty());
  const std::vector<std::string> story = {"CtiSessionStarted", "CtiSessionEnded"};
  BOOST_TEST(e2e::audited_types(SWITCHBOARD_ADMIN_BINARY, stack.server(),
                                "--correlation " + request_id) == story,
             boost::test_tools::per_element());

  // Another agent's known CTI login is unaffected.
  const auto token = stack.login("alice", "alice-secret");
  BOOST_TEST(cti::get_events(endpoint, token, "wait=0").status != 401);
}

BOOST_AUTO_TEST_CASE(a_login_while_a_refused_attach_is_in_flight_gets_the_same_502) {
  cti::CtiStack stack;
  stack.create_agent("bob", "op9", "bob-secret");
  BOOST_REQUIRE(stack.cti().control("/refuse-login", R"({"login":"op9"})").status == 200);
  BOOST_REQUIRE(stack.cti().control("/mode", R"({"delayMs":1500})").status == 200);
  BOOST_REQUIRE(cti::eventually([&] { return stack.cti().state()["ready"].GetInt() == 1; }));
  const auto endpoint = stack.server().endpoint();

  // The second login arrives while the first one's AttachToUser waits for its verdict: it must
  // wait for the same verdict rather than be told the login is attached.
  const auto login = [&] {
    return cti::post_json(endpoint, "/api/v1/login", R"({"login":"bob","password":"bob-secret"})");
  };
  auto first = std::async(std::launch::async, login);
  auto second = std::async(std::launch::async, login);
  const auto a = first.get();
  const auto b = second.get();
  BOOST_TEST(a.status == 502, a.text());
  BOOST_TEST(b.status == 502, b.text());

  // And a login after the verdict asks the CTI API again.
  BOOST_TEST(login().status == 502);
  BOOST_TEST(!stack.cti().attached("op9"));
}

BOOST_AUTO_TEST_CASE(a_burst_of_logins_does_not_hold_up_the_event_feed) {
  // The server answers a request within http.request_timeout_ms or closes its connection; the
  // burst's hashes take seconds of CPU, and far longer than the default 30 s on a loaded host.
  // The test is about which request waits for which, not how fast: it waits as long as its
  // logins do.
  // Nor is it about the queue's bound: every login of the burst is let wait.
  cti::CtiStack stack{
      e2e::Settings{{"http.request_timeout_ms", "120000"}, {"cti.login_max_wait_ms", "110000"}}};
  stack.create_agent("alice", "op1", "alice-secret");
  const auto endpoint = stack.server().endpoint();
  const auto token = stack.login("alice", "alice-secret");
  BOOST_REQUIRE(cti::get_events(endpoint, token, "wait=0").status != 401);

  // Each login costs a password hash (also for an unknown login). Queued behind them all, the
  // event request would be answered after most of them; on threads of its own, long before.
  constexpr int burst = 128;
  std::atomic<int> answered{0};
  std::vector<std::future<int>> logins;
  for (int i = 0; i < burst; ++i) {
    logins.push_back(std::async(std::launch::async, [&] {
      const auto status =
          cti::post_json(endpoint, "/api/v1/login", R"({"login":"nobody","password":"x"})", {},
                         std::chrono::seconds{120})
              .status;
      ++answered;
      return status;
    }));
  }
  while (answered == 0) std::this_thread::sleep_for(std::chrono::milliseconds{10});
  BOOST_TEST(cti::get_events(endpoint, token, "wait=0").status != 401);
  const int before_events = answered.load();
  for (auto& login : logins) BOOST_TEST(login.get() == 401);
  BOOST_TEST(before_events < burst / 2, before_events << " of " << burst << " logins first");
}

const std::string alice_login = R"({"login":"alice","password":"alice-secret"})";
const std::string running = R"(switchboard_cti_login_queue{state="running"})";
const std::string waiting = R"(switchboard_cti_login_queue{state="waiting"})";

std::future<e2e::HttpResponse> log_in_later(const e2e::Endpoint& endpoint) {
  return std::async(std::launch::async, [endpoint] {
    return cti::post_json(endpoint, "/api/v1/login", alice_login, {}, std::chrono::seconds{120});
  });
}

double logins(const e2e::Endpoint& endpoint, const std::string& outcome) {
  return cti::metric(endpoint, R"(switchboard_cti_logins_total{outcome=")" + outcome + R"("})");
}

BOOST_AUTO_TEST_CASE(logins_the_queue_cannot_serve_in_time_get_503_with_retry_after_at_once) {
  // No wait allowed: only a free worker takes a login. The admitted ones keep both workers while
  // appends are held.
  cti::CtiStack stack{e2e::Settings{{"cti.login_workers", "2"},
                                    {"cti.login_max_wait_ms", "0"},
                                    {"http.request_timeout_ms", "120000"}}};
  stack.create_agent("alice", "op1", "alice-secret");
  const auto endpoint = stack.server().endpoint();
  cti::HeldAppends held{stack};
  std::vector<std::future<e2e::HttpResponse>> admitted;
  for (int i = 0; i < 2; ++i) admitted.push_back(log_in_later(endpoint));
  BOOST_REQUIRE(cti::eventually([&] { return cti::metric(endpoint, running) == 2; }));

  // Answered while no worker can take them: at once, not at a timeout.
  constexpr int burst = 8;
  for (int i = 0; i < burst; ++i) {
    const auto refused = cti::post_json(endpoint, "/api/v1/login", alice_login);
    BOOST_TEST(refused.status == 503, refused.text());
    BOOST_TEST(refused.header("Content-Type").value_or("") == "application/problem+json");
    BOOST_TEST(std::string{cti::parse(refused.text())["title"].GetString()} == "too many logins");
    const auto retry_after = refused.header("Retry-After").value_or("");
    BOOST_TEST(
        (!retry_after.empty() && retry_after.find_first_not_of("0123456789") == std::string::npos &&
         std::stoi(retry_after) >= 1),
        retry_after);
  }
  BOOST_TEST(cti::metric(endpoint, waiting) == 0);

  held.release();
  for (auto& login : admitted) {
    const auto r = login.get();
    BOOST_TEST(r.status == 200, r.text());
  }
  BOOST_TEST(logins(endpoint, "refused") == burst);
  // A worker counts its login once it let go of it, which may be after the answer.
  BOOST_TEST(cti::eventually([&] { return logins(endpoint, "served") == 2; }));
}

BOOST_AUTO_TEST_CASE(a_login_whose_client_left_before_its_turn_is_not_hashed) {
  cti::CtiStack stack{
      e2e::Settings{{"cti.login_workers", "1"}, {"http.request_timeout_ms", "120000"}}};
  stack.create_agent("alice", "op1", "alice-secret");
  const auto endpoint = stack.server().endpoint();
  cti::HeldAppends held{stack};
  auto admitted = log_in_later(endpoint);
  BOOST_REQUIRE(cti::eventually([&] { return cti::metric(endpoint, running) == 1; }));

  // Logins queued behind it, whose clients close their connections before their turn.
  constexpr int left = 3;
  boost::asio::io_context io;
  std::vector<boost::asio::ip::tcp::socket> clients;
  const std::string request =
      "POST /api/v1/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Content-Type: application/json\r\nContent-Length: " +
      std::to_string(alice_login.size()) + "\r\n\r\n" + alice_login;
  for (int i = 0; i < left; ++i) {
    auto& client = clients.emplace_back(io);
    client.connect({boost::asio::ip::make_address("127.0.0.1"), endpoint.port});
    boost::asio::write(client, boost::asio::buffer(request));
  }
  BOOST_REQUIRE(cti::eventually([&] { return cti::metric(endpoint, waiting) == left; }));
  for (auto& client : clients) client.close();
  // Only a login that waited a second or more is asked whether its client is still there.
  std::this_thread::sleep_for(std::chrono::seconds{1});

  held.release();
  const auto r = admitted.get();
  BOOST_TEST(r.status == 200, r.text());
  BOOST_TEST(cti::eventually([&] { return logins(endpoint, "abandoned") == left; }));
  BOOST_TEST(logins(endpoint, "served") == 1);
  // The queue goes on: the next login is served.
  BOOST_TEST(cti::post_json(endpoint, "/api/v1/login", alice_login).status == 200);
  BOOST_TEST(cti::eventually([&] { return logins(endpoint, "served") == 2; }));
}

BOOST_AUTO_TEST_SUITE_END()
