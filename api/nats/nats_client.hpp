#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nats/nats.h>

#include "projections/reactor.hpp"

namespace switchboard::api::nats {

// One connection to NATS for the process; it reconnects by itself, forever.
class NatsClient {
 public:
  // nullptr with `error` set when the first connection cannot be made.
  static std::unique_ptr<NatsClient> connect(const std::string& url, std::string& error);
  ~NatsClient();
  NatsClient(const NatsClient&) = delete;
  NatsClient& operator=(const NatsClient&) = delete;

  bool connected() const;
  const std::string& url() const { return url_; }

  // Creates the JetStream stream, or updates it to these subjects and this de-duplication
  // window (messages with the same Nats-Msg-Id inside the window are stored once).
  bool ensure_stream(const std::string& name, const std::vector<std::string>& subjects,
                     std::chrono::seconds duplicate_window, std::string& error);

  natsConnection* raw() { return connection_; }

 private:
  NatsClient(std::string url, natsConnection* connection);
  std::string url_;
  natsConnection* connection_;
};

// Publishes reactor output to JetStream with Nats-Msg-Id = the event id, and waits for the
// server's acknowledgement of the whole batch.
class JetStreamPublisher final : public projections::Publisher {
 public:
  JetStreamPublisher(NatsClient& client, std::chrono::milliseconds ack_timeout);
  ~JetStreamPublisher() override;

  bool publish(const std::vector<projections::OutboundMessage>& messages,
               std::string& error) override;

 private:
  static void on_error(jsCtx*, jsPubAckErr* error, void* closure);

  std::mutex mutex_;  // one batch at a time: errors are counted per batch
  jsCtx* js_ = nullptr;
  std::chrono::milliseconds ack_timeout_;
  std::atomic<int> failed_{0};
  std::string last_error_;
  std::mutex error_mutex_;
};

}  // namespace switchboard::api::nats
