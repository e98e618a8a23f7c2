#include "projections/messaging/delivery_reactor.hpp"

#include <functional>
#include <initializer_list>
#include <string_view>

#include "domain/json.hpp"

namespace switchboard::projections::messaging {
namespace {

using domain::JsonWriter;

// Copies data[key] into the job as it is (strings, arrays, objects); absent stays absent.
void copy(JsonWriter& w, const rapidjson::Value& data, const char* key, const char* as = nullptr) {
  const auto it = data.FindMember(key);
  if (it == data.MemberEnd() || it->value.IsNull()) return;
  w.Key(as != nullptr ? as : key);
  it->value.Accept(w);
}

struct Header {
  const char* kind;
  std::string tenant_id;
  std::string provider_code;
  std::string lane;
};

// An event's first job is known by the event's id; a further one by the id and its kind.
DeliveryJob job(const eventstore::RecordedEvent& e, const Header& h,
                const std::function<void(JsonWriter&)>& extra, bool further = false) {
  auto job_id = further ? e.event_id + "/" + h.kind : e.event_id;
  auto payload = domain::json_object([&](JsonWriter& w) {
    domain::put(w, "job_id", job_id);
    domain::put(w, "kind", h.kind);
    domain::put(w, "tenant_id", h.tenant_id);
    domain::put(w, "provider_code", h.provider_code);
    domain::put(w, "lane", h.lane);
    domain::put(w, "created_at", e.recorded_at);
    extra(w);
  });
  return {std::move(job_id), std::move(payload)};
}

}  // namespace

eventstore::EventFilter DeliveryReactor::filter() const {
  return {{"ClientTokenActivated", "ClientTokenDeactivated", "AppRemoved", "MessageSubmitted",
           "MessageNotSent", "MessageTextUpdated", "ChatRead"}};
}

std::vector<DeliveryJob> DeliveryReactor::jobs_for(const eventstore::RecordedEvent& e,
                                                   std::string_view public_base_url) {
  const std::string_view type = e.type;
  const bool chat = e.stream_id.starts_with("chat-");
  const bool connection = e.stream_id.starts_with("connection-");
  const bool tenant = e.stream_id.starts_with("tenant-");
  if (!chat && !connection && !tenant) return {};
  const auto d = domain::parse(e.data);
  if (!d.IsObject()) return {};
  const auto tenant_id = tenant ? e.stream_id.substr(7) : domain::text(d, "tenant_id");
  const auto provider = domain::text(d, "provider_code");
  if (tenant_id.empty() || provider.empty()) return {};
  const auto connection_lane = tenant_id + "/" + provider;
  // The connection's jobs name the token they are for: the worker calls only with that one.
  const auto connection_job = [&](const char* kind, const std::function<void(JsonWriter&)>& more,
                                  bool further = false) {
    return job(
        e, {kind, tenant_id, provider, connection_lane},
        [&](JsonWriter& w) {
          copy(w, d, "token_sha256");
          if (more) more(w);
        },
        further);
  };

  if (connection && type == "ClientTokenActivated") {
    std::vector<DeliveryJob> jobs;
    // A token replaced on an active connection is dead from now on: its webhook goes first, with
    // that token, so the provider stops pushing with it before the new token is set up. Not
    // app_disabled: that one is about the tenant, which keeps the app and the connection.
    if (const auto replaced = domain::text(d, "replaced_token_sha256"); !replaced.empty()) {
      jobs.push_back(job(
          e, {"remove_webhook", tenant_id, provider, connection_lane},
          [&](JsonWriter& w) {
            domain::put(w, "token_sha256", replaced);
            copy(w, d, "token_sha256", "replaced_by");
          },
          true));
    }
    jobs.push_back(connection_job("sync_accounts", [&](JsonWriter& w) {
      copy(w, d, "app_id");
      domain::put(w, "has_history", domain::flag(d, "has_history"));
    }));
    // After the accounts (same lane): the provider pushes once Switchboard knows its channels.
    if (!public_base_url.empty()) {
      jobs.push_back(connection_job(
          "set_webhook",
          [&](JsonWriter& w) {
            w.Key("body");
            w.StartObject();
            domain::put(w, "url", public_base_url);
            w.EndObject();
          },
          true));
    }
    return jobs;
  }
  if (connection && type == "ClientTokenDeactivated") {
    // app_disabled is the last call for the tenant, so the webhook goes first.
    return {connection_job("remove_webhook", nullptr, true),
            connection_job("app_disabled", [&](JsonWriter& w) {
              w.Key("body");
              w.StartObject();
              domain::put(w, "tenant_id", tenant_id);
              copy(w, d, "reason");
              w.EndObject();
            })};
  }
  if (tenant && type == "AppRemoved") {
    // The connection is deactivated by a command (which queues app_disabled), in this lane so it
    // follows the work queued before it.
    const auto reason = domain::text(d, "reason") == "disabled" ? "app_disabled" : "app_removed";
    return {job(e, {"remove_app", tenant_id, provider, connection_lane}, [&](JsonWriter& w) {
      copy(w, d, "app_id");
      domain::put(w, "reason", reason);
    })};
  }
  if (!chat) return {};
  const auto chat_id = domain::text(d, "chat_id");
  if (chat_id.empty()) return {};
  // A chat job's body: the chat id and these event fields, as the event has them. The job names
  // the CRM user whose action it carries: the one told when it fails.
  const auto chat_job = [&](const char* kind, std::initializer_list<const char*> fields,
                            const std::function<void(JsonWriter&)>& more) {
    return std::vector<DeliveryJob>{
        job(e, {kind, tenant_id, provider, connection_lane + "/" + chat_id}, [&](JsonWriter& w) {
          copy(w, d, "user_id");
          w.Key("body");
          w.StartObject();
          domain::put(w, "chat_id", chat_id);
          for (const char* field : fields) copy(w, d, field);
          if (more) more(w);
          w.EndObject();
        })};
  };
  if (type == "MessageSubmitted") {
    return chat_job("send_message",
                    {"message_id", "account_id", "user_id", "text", "format", "entities",
                     "attachments", "reply_to"},
                    nullptr);
  }
  // A send that timed out may still have reached the provider: it must not deliver it late,
  // since the CRM user was told the message was not sent. A refused one it knows of already.
  if (type == "MessageNotSent" && domain::text(d, "reason") == "expired") {
    // It never answered with its id (that would have made the message sent): ours names it.
    return chat_job("update_message_status", {"message_id"},
                    [](JsonWriter& w) { domain::put(w, "status", "failed"); });
  }
  if (type == "MessageTextUpdated" && domain::text(d, "source") == "crm") {
    return chat_job("update_message_text",
                    {"message_id", "provider_message_id", "text", "format", "entities"}, nullptr);
  }
  if (type == "ChatRead" && domain::text(d, "source") == "crm") {
    return chat_job("read_chat", {"account_id"}, [&](JsonWriter& w) {
      // The provider knows its own ids: when the event carries them, those go.
      if (d.HasMember("provider_message_ids")) {
        copy(w, d, "provider_message_ids", "message_ids");
      } else {
        copy(w, d, "message_ids");
      }
    });
  }
  return {};
}

std::vector<OutboundMessage> DeliveryReactor::react(const eventstore::RecordedEvent& event) {
  std::vector<OutboundMessage> messages;
  for (auto& j : jobs_for(event, public_base_url_)) {
    messages.push_back({subject_, std::move(j.job_id), std::move(j.payload)});
  }
  return messages;
}

}  // namespace switchboard::projections::messaging
