#include "api/nats/nats_client.hpp"

#include <spdlog/spdlog.h>

namespace switchboard::api::nats {
namespace {

std::string status_text(natsStatus s) { return natsStatus_GetText(s); }

}  // namespace

NatsClient::NatsClient(std::string url, natsConnection* connection)
    : url_(std::move(url)), connection_(connection) {}

std::unique_ptr<NatsClient> NatsClient::connect(const std::string& url, std::string& error) {
  natsOptions* options = nullptr;
  natsConnection* connection = nullptr;
  natsStatus s = natsOptions_Create(&options);
  if (s == NATS_OK) s = natsOptions_SetURL(options, url.c_str());
  if (s == NATS_OK) s = natsOptions_SetMaxReconnect(options, -1);
  if (s == NATS_OK) s = natsOptions_SetReconnectWait(options, 250);
  if (s == NATS_OK) s = natsOptions_SetTimeout(options, 2000);
  if (s == NATS_OK) s = natsConnection_Connect(&connection, options);
  natsOptions_Destroy(options);
  if (s != NATS_OK) {
    error = "cannot connect to NATS at " + url + ": " + status_text(s);
    return nullptr;
  }
  return std::unique_ptr<NatsClient>(new NatsClient(url, connection));
}

NatsClient::~NatsClient() {
  natsConnection_Drain(connection_);
  natsConnection_Destroy(connection_);
}

bool NatsClient::connected() const {
  return natsConnection_Status(connection_) == NATS_CONN_STATUS_CONNECTED;
}

bool NatsClient::ensure_stream(const std::string& name, const std::vector<std::string>& subjects,
                               std::chrono::seconds duplicate_window, std::string& error) {
  jsCtx* js = nullptr;
  natsStatus s = natsConnection_JetStream(&js, connection_, nullptr);
  if (s != NATS_OK) {
    error = "JetStream unavailable: " + status_text(s);
    return false;
  }
  std::vector<const char*> subject_ptrs;
  for (const auto& subject : subjects) subject_ptrs.push_back(subject.c_str());
  jsStreamConfig config;
  jsStreamConfig_Init(&config);
  config.Name = name.c_str();
  config.Subjects = subject_ptrs.data();
  config.SubjectsLen = static_cast<int>(subject_ptrs.size());
  config.Storage = js_FileStorage;
  config.Duplicates =
      std::chrono::duration_cast<std::chrono::nanoseconds>(duplicate_window).count();
  jsStreamInfo* info = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  s = js_AddStream(&info, js, &config, nullptr, &code);
  if (s != NATS_OK && code == JSStreamNameExistErr) {
    s = js_UpdateStream(&info, js, &config, nullptr, &code);
  }
  if (info != nullptr) jsStreamInfo_Destroy(info);
  jsCtx_Destroy(js);
  if (s != NATS_OK) {
    error = "cannot create JetStream stream " + name + ": " + status_text(s) + " (" +
            std::to_string(static_cast<int>(code)) + ")";
    return false;
  }
  return true;
}

JetStreamPublisher::JetStreamPublisher(NatsClient& client, std::chrono::milliseconds ack_timeout)
    : ack_timeout_(ack_timeout) {
  jsOptions options;
  jsOptions_Init(&options);
  options.PublishAsync.ErrHandler = &JetStreamPublisher::on_error;
  options.PublishAsync.ErrHandlerClosure = this;
  options.PublishAsync.MaxPending = 4096;
  if (natsConnection_JetStream(&js_, client.raw(), &options) != NATS_OK) js_ = nullptr;
}

JetStreamPublisher::~JetStreamPublisher() {
  if (js_ != nullptr) jsCtx_Destroy(js_);
}

void JetStreamPublisher::on_error(jsCtx*, jsPubAckErr* error, void* closure) {
  auto* self = static_cast<JetStreamPublisher*>(closure);
  self->failed_.fetch_add(1);
  std::lock_guard lock(self->error_mutex_);
  self->last_error_ = error->ErrText != nullptr ? error->ErrText : status_text(error->Err);
}

bool JetStreamPublisher::publish(const std::vector<projections::OutboundMessage>& messages,
                                 std::string& error) {
  if (js_ == nullptr) {
    error = "no JetStream context";
    return false;
  }
  std::lock_guard lock(mutex_);
  failed_ = 0;
  jsPubOptions wait;
  jsPubOptions_Init(&wait);
  wait.MaxWait = ack_timeout_.count();
  for (const auto& m : messages) {
    jsPubOptions options;
    jsPubOptions_Init(&options);
    options.MsgId = m.message_id.c_str();
    const natsStatus s = js_PublishAsync(js_, m.subject.c_str(), m.payload.data(),
                                         static_cast<int>(m.payload.size()), &options);
    if (s != NATS_OK) {
      error = "publish to " + m.subject + ": " + status_text(s);
      js_PublishAsyncComplete(js_, &wait);
      return false;
    }
  }
  const natsStatus s = js_PublishAsyncComplete(js_, &wait);
  if (s != NATS_OK) {
    error = "waiting for JetStream acknowledgements: " + status_text(s);
    return false;
  }
  if (failed_ > 0) {
    std::lock_guard error_lock(error_mutex_);
    error = std::to_string(failed_.load()) + " message(s) refused: " + last_error_;
    return false;
  }
  return true;
}

}  // namespace switchboard::api::nats
