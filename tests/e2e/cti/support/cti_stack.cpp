#include "tests/e2e/cti/support/cti_stack.hpp"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace switchboard::tests::e2e::cti {

FakeCti::FakeCti(const TempDir& dir) : dir_(dir), port_(free_port()), control_port_(free_port()) {
  start();
}

void FakeCti::start() {
  process_ = std::make_unique<ChildProcess>(
      SWITCHBOARD_FAKE_CTI_BINARY,
      std::vector<std::string>{"--port", std::to_string(port_), "--control-port",
                               std::to_string(control_port_)},
      dir_.path() / "fake-cti.log");
  const bool up = eventually([this] {
    try {
      return get({"127.0.0.1", control_port_, {}}, "/state").status == 200;
    } catch (const std::exception&) {
      return false;
    }
  });
  if (!up) throw std::runtime_error("the fake CTI server did not start");
}

void FakeCti::restart() {
  process_->stop();
  start();
}

HttpResponse FakeCti::control(const std::string& path, const std::string& body) {
  return send(
      {"127.0.0.1", control_port_, {}},
      HttpRequest{
          .method = "POST", .target = path, .headers = {}, .body = body, .gzip_body = false});
}

std::string FakeCti::incoming(const std::string& login, const std::string& caller) {
  std::string cid;
  eventually([&] {
    const auto r =
        control("/incoming", R"({"login":")" + login + R"(","caller":")" + caller + R"("})");
    if (r.status != 200) return false;
    cid = parse(r.body)["cid"].GetString();
    return true;
  });
  BOOST_REQUIRE_MESSAGE(!cid.empty(), login << " was never attached");
  return cid;
}

rapidjson::Document FakeCti::state() {
  return parse(get({"127.0.0.1", control_port_, {}}, "/state").body);
}

bool FakeCti::attached(const std::string& login) {
  const auto s = state();
  for (const auto& l : s["attached"].GetArray()) {
    if (login == l.GetString()) return true;
  }
  return false;
}

CtiStack::CtiStack(const Settings& overrides) : cti_(dir_) {
  auto settings = overrides;
  settings["cti.url"] = "ws://127.0.0.1:" + std::to_string(cti_.port()) + "/";
  server_ = std::make_unique<ServerProcess>(settings);
}

int CtiStack::admin(const std::vector<std::string>& args, std::string* output) {
  std::vector<std::string> all{"--database-url", server_->database().admin_url()};
  all.insert(all.end(), args.begin(), args.end());
  const auto log = dir_.path() / ("admin-" + std::to_string(++admin_runs_) + ".log");
  const int code = run_to_end(SWITCHBOARD_ADMIN_BINARY, all, log);
  if (output) {
    std::ifstream in(log);
    *output = {std::istreambuf_iterator<char>{in}, {}};
  }
  return code;
}

void CtiStack::create_agent(const std::string& login, const std::string& cti_login,
                            const std::string& password) {
  if (admin({"agents", "create", login, "--cti-login", cti_login, "--password", password}) != 0) {
    throw std::runtime_error("switchboard-admin agents create " + login + " failed");
  }
}

std::string CtiStack::login(const std::string& login, const std::string& password) {
  const auto r = post_json(server_->endpoint(), "/api/v1/login",
                           R"({"login":")" + login + R"(","password":")" + password + R"("})");
  if (r.status != 200) throw std::runtime_error("login " + login + ": " + r.text());
  return parse(r.text())["token"].GetString();
}

HeldAppends::HeldAppends(CtiStack& stack)
    : connection_{stack.server().database().admin_url()}, lock_{std::in_place, connection_} {
  lock_->exec("LOCK TABLE streams IN EXCLUSIVE MODE");
}

void HeldAppends::release() {
  if (lock_) lock_->commit();
  lock_.reset();
}

double metric(const Endpoint& endpoint, const std::string& series) {
  std::istringstream lines{get(endpoint, "/metrics").text()};
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(series + " ")) return std::stod(line.substr(series.size() + 1));
  }
  return -1;
}

HttpResponse post_json(const Endpoint& endpoint, const std::string& target, const std::string& body,
                       const std::string& token, std::chrono::milliseconds timeout) {
  HttpRequest request{
      .method = "POST", .target = target, .headers = {}, .body = body, .gzip_body = false};
  request.headers.emplace_back("Content-Type", "application/json");
  if (!token.empty()) request.headers.emplace_back("Authorization", "Bearer " + token);
  return send(endpoint, request, timeout);
}

HttpResponse get_events(const Endpoint& endpoint, const std::string& token,
                        const std::string& query, std::chrono::milliseconds timeout) {
  HttpRequest request{
      .method = "GET",
      .target = "/api/v1/events" + (query.empty() ? "" : "?" + query),
      .headers = {{"Authorization", "Bearer " + token}, {"Accept-Encoding", "gzip"}},
      .body = {},
      .gzip_body = false};
  return send(endpoint, request, timeout);
}

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.data(), text.size());
  if (d.HasParseError()) throw std::runtime_error("not JSON: " + text);
  return d;
}

}  // namespace switchboard::tests::e2e::cti
