#pragma once

// A provider for the delivery tests: a small HTTP/1.1 server on loopback whose behaviour the test
// switches (answering, down, failing, refusing, slow) and which records every request. Only the
// delivery rules are under test here; the provider's full contract is tools/fake_provider's.

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace switchboard::tests::delivery {

enum class PeerMode {
  normal,    // 200 with a provider_message_id for send_message
  down,      // drops every connection without an answer
  failing,   // 503
  refusing,  // 400
};

struct Received {
  std::string method;
  std::string target;
  std::string authorization;
  std::string idempotency_key;
  std::string tenant;
  std::string body;
  int status = 0;  // what the peer answered; 0: no answer
};

class TestPeer {
 public:
  TestPeer();
  ~TestPeer();
  TestPeer(const TestPeer&) = delete;
  TestPeer& operator=(const TestPeer&) = delete;

  std::string url(const std::string& path) const;
  void mode(PeerMode m) { mode_ = m; }
  void delay(std::chrono::milliseconds d) { delay_ms_ = static_cast<int>(d.count()); }
  std::vector<Received> received() const;

 private:
  void accept_loop();
  void serve(int fd);

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<PeerMode> mode_{PeerMode::normal};
  std::atomic<int> delay_ms_{0};
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::vector<Received> received_;
  std::vector<int> open_fds_;  // shut down when the peer stops
  std::vector<std::thread> connections_;
  std::thread acceptor_;
};

}  // namespace switchboard::tests::delivery
