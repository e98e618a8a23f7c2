#pragma once

// The fake messaging provider's provider port: checks the Bearer token (a signature for the notice
// webhook, NoticeReceiver), plays the current mode
// (normal, down, slow, failing), honours Idempotency-Key, records every request, and lets
// ProviderEndpoints do the rest. Single-threaded: everything runs on the io_context given to it.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tools/fake_provider/http_listener.hpp"
#include "tools/fake_provider/notice_receiver.hpp"
#include "tools/fake_provider/provider_endpoints.hpp"
#include "tools/fake_provider/request_log.hpp"

namespace switchboard::tools::fake_provider {

enum class Mode {
  normal,
  down,     // the listening socket and every connection closed: connects are refused
  slow,     // every answer waits `delay`
  failing,  // every request answered `status` without effect, `remaining` times (0: until reset)
};

struct ModeSettings {
  Mode mode = Mode::normal;
  std::chrono::milliseconds delay{0};
  int status = 503;
  int remaining = 0;
};

class FakeProvider {
 public:
  FakeProvider(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint,
               int channels, const std::vector<std::string>& tokens, const TlsFiles& tls = {});

  std::uint16_t port() const { return listener_.port(); }
  bool tls() const { return listener_.tls(); }
  ProviderEndpoints& endpoints() { return endpoints_; }
  NoticeReceiver& notices() { return notices_; }

  void add_token(const std::string& token);
  void set_mode(const ModeSettings& mode);
  // Forgets the recorded requests and the idempotency keys and goes back to normal; tokens,
  // accounts and history stay, and provider message ids keep counting.
  void reset();

  // {"mode","listening","port","delay_ms","status","remaining","tokens",<endpoint state>,
  //  <notice receiver state>,"counters":{...}}
  std::string state_json() const;
  // The recorded requests whose path is `path` (every one when empty).
  std::string received_json(const std::string& path) const;

 private:
  void serve(const Request& request, const Reply& reply);
  // What `request` is answered, before any delay; marks repeats in `record`.
  Answer decide(const Request& request, RecordedRequest& record);

  boost::asio::io_context& io_;
  std::set<std::string> tokens_;
  ModeSettings mode_;
  // First answers by (token, method, target, Idempotency-Key): one job's calls to different
  // endpoints or history pages share a key.
  std::map<std::string, Answer> first_answers_;
  RequestLog log_;
  ProviderEndpoints endpoints_;
  NoticeReceiver notices_;
  HttpListener listener_;  // last: its handler uses the members above
};

}  // namespace switchboard::tools::fake_provider
