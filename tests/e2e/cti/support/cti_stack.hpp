#pragma once

// A whole CTI setup over real sockets: the fake CTI server (its own process), the switchboard
// binary pointed at it, and agents created with switchboard-admin.

#include <rapidjson/document.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <string>

#include "tests/e2e/support/child_process.hpp"
#include "tests/e2e/support/server_process.hpp"
#include "tests/support/eventually.hpp"

namespace switchboard::tests::e2e::cti {

class FakeCti {
 public:
  explicit FakeCti(const TempDir& dir);
  std::uint16_t port() const { return port_; }
  // POST to the control interface (tools/fake_cti/control_api.hpp).
  HttpResponse control(const std::string& path, const std::string& body = "{}");
  // An incoming call from `caller` to `login`, retried until the login is attached; its cid,
  // or a failed test.
  std::string incoming(const std::string& login, const std::string& caller);
  rapidjson::Document state();
  bool attached(const std::string& login);
  // Stops the process and starts a new one on the same ports (a CTI server restart).
  void restart();

 private:
  void start();
  const TempDir& dir_;
  std::uint16_t port_;
  std::uint16_t control_port_;
  std::unique_ptr<ChildProcess> process_;
};

class CtiStack {
 public:
  // `overrides` go over the server's test configuration (tests/e2e/support/server_process.hpp).
  explicit CtiStack(const Settings& overrides = {});
  FakeCti& cti() { return cti_; }
  ServerProcess& server() { return *server_; }
  void create_agent(const std::string& login, const std::string& cti_login,
                    const std::string& password);
  // switchboard-admin's exit code; its output in `output` when given.
  int admin(const std::vector<std::string>& args, std::string* output = nullptr);
  // The session token, or a failed test.
  std::string login(const std::string& login, const std::string& password);

 private:
  TempDir dir_;
  std::atomic<int> admin_runs_{0};
  FakeCti cti_;
  std::unique_ptr<ServerProcess> server_;
};

// Holds every append to the stack's event store until release() or its end: an EXCLUSIVE lock on
// `streams`, which reads do not take. An admitted login then keeps its worker after its password
// check, so a test fills the login queue for as long as it needs, whatever the host's speed.
class HeldAppends {
 public:
  explicit HeldAppends(CtiStack& stack);
  void release();

 private:
  pqxx::connection connection_;
  std::optional<pqxx::work> lock_;
};

// The value of a series on the server's /metrics (`name{labels}` as written there); -1 when the
// series is not there.
double metric(const Endpoint& endpoint, const std::string& series);

HttpResponse post_json(const Endpoint& endpoint, const std::string& target, const std::string& body,
                       const std::string& token = {},
                       std::chrono::milliseconds timeout = std::chrono::seconds{15});
HttpResponse get_events(const Endpoint& endpoint, const std::string& token,
                        const std::string& query = {},
                        std::chrono::milliseconds timeout = std::chrono::seconds{40});
rapidjson::Document parse(const std::string& text);

using switchboard::tests::eventually;

}  // namespace switchboard::tests::e2e::cti
