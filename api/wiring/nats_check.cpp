#include <fmt/format.h>
#include <nats/nats.h>

#include <memory>
#include <mutex>

#include "api/wiring/readiness.hpp"

namespace switchboard::api::wiring {
namespace {

struct NatsProbe {
  std::string url;
  std::chrono::milliseconds timeout;
  std::mutex mutex;
  natsConnection* connection = nullptr;

  NatsProbe(std::string u, std::chrono::milliseconds t) : url{std::move(u)}, timeout{t} {}
  NatsProbe(const NatsProbe&) = delete;
  NatsProbe& operator=(const NatsProbe&) = delete;
  ~NatsProbe() { natsConnection_Destroy(connection); }

  std::optional<std::string> connect() {
    natsOptions* options = nullptr;
    natsStatus s = natsOptions_Create(&options);
    if (s == NATS_OK) s = natsOptions_SetURL(options, url.c_str());
    if (s == NATS_OK) s = natsOptions_SetTimeout(options, timeout.count());
    // The client library reconnects in the background; the check only reports its state.
    if (s == NATS_OK) s = natsOptions_SetMaxReconnect(options, -1);
    if (s == NATS_OK) s = natsConnection_Connect(&connection, options);
    natsOptions_Destroy(options);
    if (s != NATS_OK) {
      connection = nullptr;
      return fmt::format("NATS at {}: {}", url, natsStatus_GetText(s));
    }
    return std::nullopt;
  }

  std::optional<std::string> check() {
    std::lock_guard lock{mutex};
    if (connection == nullptr) {
      if (auto error = connect()) return error;
    }
    switch (natsConnection_Status(connection)) {
      case NATS_CONN_STATUS_CONNECTED:
        break;
      case NATS_CONN_STATUS_CLOSED:
        natsConnection_Destroy(connection);
        connection = nullptr;
        return fmt::format("NATS at {}: connection closed", url);
      default:
        return fmt::format("NATS at {}: not connected (reconnecting)", url);
    }
    const natsStatus s = natsConnection_FlushTimeout(connection, timeout.count());
    if (s != NATS_OK) return fmt::format("NATS at {}: {}", url, natsStatus_GetText(s));
    return std::nullopt;
  }
};

}  // namespace

Check nats_check(std::string url, std::chrono::milliseconds timeout) {
  auto probe = std::make_shared<NatsProbe>(std::move(url), timeout);
  return [probe] { return probe->check(); };
}

}  // namespace switchboard::api::wiring
