#include "api/wiring/delivery_outcomes.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include "api/http/json_schema.hpp"
#include "api/routes/public_api/public_call.hpp"
#include "commands/command_context.hpp"
#include "domain/json.hpp"

namespace switchboard::api::wiring {
namespace {

namespace dm = domain::messaging;
using commands::CommandOutcome;

commands::CommandContext job_context(const delivery::Job& job) {
  return {.tenant = job.tenant_id,
          .actor = "delivery",
          .correlation_id = job.job_id,
          .causation_id = job.job_id,
          .command_id = commands::new_uuid(),
          .idempotency_key = std::nullopt};
}

bool recorded(const delivery::Job& job, std::string_view what, const CommandOutcome& outcome) {
  switch (outcome.status) {
    case CommandOutcome::Status::accepted:
    case CommandOutcome::Status::duplicate:
      return true;
    case CommandOutcome::Status::rejected:
      spdlog::warn("delivery: {} of job {} ({}) refused: {} {}", what, job.job_id, job.kind,
                   outcome.rejection.field, outcome.rejection.message);
      return true;
    case CommandOutcome::Status::busy:
    case CommandOutcome::Status::unavailable:
    case CommandOutcome::Status::failed:
      break;
  }
  spdlog::warn("delivery: {} of job {} not recorded yet: {}", what, job.job_id, outcome.error);
  return false;
}

std::string to_json(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace

bool DeliveryOutcomes::delivered(const delivery::Job& job, const std::string& provider_message_id) {
  if (job.kind != delivery::kinds::send_message) return true;
  const auto message_id = job.field("message_id");
  // A provider that names no id of its own still delivered the message: it is then known by ours,
  // which status updates may use as well.
  const dm::RecordDelivery command{message_id,
                                   provider_message_id.empty() ? message_id : provider_message_id};
  return recorded(job, "delivered",
                  messaging_.on_chat(job.tenant_id, job.provider_code, job.field("chat_id"),
                                     command, job_context(job), job.job_id + "/delivered"));
}

bool DeliveryOutcomes::not_sent(const delivery::Job& job, std::string_view reason,
                                std::string_view detail) {
  const auto chat_id = job.field("chat_id");
  if (job.kind == delivery::kinds::send_message) {
    const dm::RecordNotSent command{job.field("message_id"), std::string(reason),
                                    std::string(detail)};
    return recorded(job, "not sent",
                    messaging_.on_chat(job.tenant_id, job.provider_code, chat_id, command,
                                       job_context(job), job.job_id + "/not_sent"));
  }
  // A CRM user's edit or read the provider never heard of: the user is told. Jobs queued before
  // they named their user (and the status notices, which no user asked for) are only logged.
  const auto user_id = job.field("user_id");
  if ((job.kind != delivery::kinds::update_message_text &&
       job.kind != delivery::kinds::read_chat) ||
      user_id.empty()) {
    return true;
  }
  const dm::RecordDeliveryFailed command{
      job.kind, job.kind == delivery::kinds::update_message_text ? job.field("message_id") : "",
      user_id, std::string(reason), std::string(detail)};
  // Nothing in the chat's state says the failure was recorded: the key makes a redelivered job
  // record it once.
  auto context = job_context(job);
  context.idempotency_key = job.job_id + "/failed";
  return recorded(job, "delivery failure",
                  messaging_.on_chat(job.tenant_id, job.provider_code, chat_id, command, context,
                                     job.job_id + "/failed"));
}

bool DeliveryOutcomes::accounts_listed(const delivery::Job& job,
                                       const rapidjson::Value& accounts_array,
                                       delivery::SyncTally& tally) {
  for (const auto& account : accounts_array.GetArray()) {
    if (!account.IsObject()) continue;
    const dm::ConnectAccount command{domain::text(account, "id"),
                                     domain::text(account, "channel_code"),
                                     domain::text(account, "name")};
    const auto outcome =
        messaging_.on_connection(job.tenant_id, job.provider_code, command, job_context(job),
                                 job.job_id + "/account/" + command.account_id);
    if (!recorded(job, "account " + command.account_id, outcome)) return false;
    if (outcome.ok()) tally.accounts.insert(command.account_id);
  }
  return true;
}

bool DeliveryOutcomes::history_page(const delivery::Job& job,
                                    const rapidjson::Value& messages_array,
                                    delivery::SyncTally& tally) {
  // Each message goes the way POST /public/v1/history takes it: checked against the public
  // message schema, recorded silently (no unread count, no notification).
  const routes::public_api::Dependencies deps{auth_, messaging_};
  routes::public_api::PublicCall call;
  call.principal.tenant = job.tenant_id;
  call.principal.provider = job.provider_code;
  const auto context = job_context(job);
  for (rapidjson::SizeType i = 0; i < messages_array.Size(); ++i) {
    const auto& message = messages_array[i];
    const auto text = to_json(message);
    if (auto refused = http::validate_body("public_message", text)) {
      spdlog::warn("delivery: message_history of {} for {}: message {} skipped: {}",
                   job.provider_code, job.tenant_id, i, refused->body);
      continue;
    }
    const auto answer =
        routes::public_api::ingest_message(deps, call, message, "", true, context, text);
    if (answer.status >= 500) {
      spdlog::warn("delivery: history message of job {} not recorded yet: {}", job.job_id,
                   answer.body);
      return false;
    }
    if (answer.status >= 400) {
      spdlog::warn("delivery: message_history of {} for {}: message {} refused: {}",
                   job.provider_code, job.tenant_id, i, answer.body);
      continue;
    }
    // The schema asked for the chat and its id.
    tally.chats.insert(domain::text(message["chat"], "id"));
  }
  return true;
}

bool DeliveryOutcomes::sync_ended(const delivery::Job& job, const delivery::SyncTally& tally,
                                  std::string_view reason, std::string_view detail) {
  // A job of an activation recorded before activations were numbered has no outcome to record.
  const auto activation = job.number("activation");
  if (activation == 0) return true;
  const dm::RecordAccountSync command{activation, static_cast<std::int64_t>(tally.accounts.size()),
                                      static_cast<std::int64_t>(tally.chats.size()),
                                      std::string(reason), std::string(detail)};
  return recorded(job, "account sync",
                  messaging_.on_connection(job.tenant_id, job.provider_code, command,
                                           job_context(job), job.job_id + "/sync_ended"));
}

bool DeliveryOutcomes::remove_app(const delivery::Job& job) {
  const dm::DeactivateToken command{job.field("reason")};
  return recorded(job, "remove_app",
                  messaging_.on_connection(job.tenant_id, job.provider_code, command,
                                           job_context(job), job.job_id + "/remove_app"));
}

bool DeliveryOutcomes::notice_pushed(const delivery::Job& job, std::string_view reason,
                                     std::string_view detail) {
  const domain::provider_platform::RecordNoticePush command{
      job.provider_code, job.field("developer_id"), job.field("change_event_id"),
      reason.empty(),    std::string(reason),       std::string(detail)};
  // The notice's state does not say a push was recorded: the key makes a redelivered job record
  // it once.
  auto context = job_context(job);
  context.idempotency_key = job.job_id + "/pushed";
  return recorded(
      job, "notice push",
      platform_.on_notice(job.field("notice_id"), command, context, job.job_id + "/pushed"));
}

}  // namespace switchboard::api::wiring
