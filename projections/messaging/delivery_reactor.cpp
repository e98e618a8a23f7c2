#include "projections/messaging/delivery_reactor.hpp"

#include <functional>
#include <initializer_list>
#include <string_view>

#include "domain/json.hpp"
#include "domain/messaging/connection.hpp"
#include "projections/dispatch.hpp"

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

// An event with what all its jobs name.
struct Source {
  const eventstore::RecordedEvent& e;
  const rapidjson::Document& d;
  std::string tenant_id;
  std::string provider;
  std::string lane;  // the connection's: tenant/provider
  std::string_view public_base_url;

  // The connection's jobs name the token they are for: the worker calls only with that one.
  DeliveryJob connection_job(const char* kind, const std::function<void(JsonWriter&)>& more,
                             bool further = false) const {
    return job(
        e, {kind, tenant_id, provider, lane},
        [&](JsonWriter& w) {
          copy(w, d, "token_sha256");
          if (more) more(w);
        },
        further);
  }

  // A chat job's body: the chat id and these event fields, as the event has them. None for an
  // event that names no chat. The job names the CRM user whose action it carries: the one told
  // when it fails.
  std::vector<DeliveryJob> chat_job(const char* kind, std::initializer_list<const char*> fields,
                                    const std::function<void(JsonWriter&)>& more) const {
    const auto chat_id = domain::text(d, "chat_id");
    if (chat_id.empty()) return {};
    return {job(e, {kind, tenant_id, provider, lane + "/" + chat_id}, [&](JsonWriter& w) {
      copy(w, d, "user_id");
      w.Key("body");
      w.StartObject();
      domain::put(w, "chat_id", chat_id);
      for (const char* field : fields) copy(w, d, field);
      if (more) more(w);
      w.EndObject();
    })};
  }
};

std::vector<DeliveryJob> token_activated(const Source& s) {
  std::vector<DeliveryJob> jobs;
  // A token replaced on an active connection is dead from now on: its webhook goes first, with
  // that token, so the provider stops pushing with it before the new token is set up. Not
  // app_disabled: that one is about the tenant, which keeps the app and the connection.
  if (const auto replaced = domain::messaging::retired_token_sha256(s.e.type, s.d)) {
    jobs.push_back(job(
        s.e, {"remove_webhook", s.tenant_id, s.provider, s.lane},
        [&](JsonWriter& w) {
          domain::put(w, "token_sha256", *replaced);
          copy(w, s.d, "token_sha256", "replaced_by");
        },
        true));
  }
  jobs.push_back(s.connection_job("sync_accounts", [&](JsonWriter& w) {
    copy(w, s.d, "app_id");
    // The sync's outcome names the activation it belongs to.
    copy(w, s.d, "activation");
    domain::put(w, "has_history", domain::flag(s.d, "has_history"));
  }));
  // After the accounts (same lane): the provider pushes once Switchboard knows its channels.
  if (!s.public_base_url.empty()) {
    jobs.push_back(s.connection_job(
        "set_webhook",
        [&](JsonWriter& w) {
          w.Key("body");
          w.StartObject();
          domain::put(w, "url", s.public_base_url);
          w.EndObject();
        },
        true));
  }
  return jobs;
}

std::vector<DeliveryJob> token_deactivated(const Source& s) {
  // app_disabled is the last call for the tenant, so the webhook goes first.
  return {s.connection_job("remove_webhook", nullptr, true),
          s.connection_job("app_disabled", [&](JsonWriter& w) {
            w.Key("body");
            w.StartObject();
            domain::put(w, "tenant_id", s.tenant_id);
            copy(w, s.d, "reason");
            w.EndObject();
          })};
}

std::vector<DeliveryJob> app_removed(const Source& s) {
  // The connection is deactivated by a command (which queues app_disabled), in this lane so it
  // follows the work queued before it.
  const auto reason = domain::text(s.d, "reason") == "disabled" ? "app_disabled" : "app_removed";
  return {job(s.e, {"remove_app", s.tenant_id, s.provider, s.lane}, [&](JsonWriter& w) {
    copy(w, s.d, "app_id");
    domain::put(w, "reason", reason);
  })};
}

std::vector<DeliveryJob> message_submitted(const Source& s) {
  return s.chat_job("send_message",
                    {"message_id", "account_id", "user_id", "text", "format", "entities",
                     "attachments", "reply_to"},
                    nullptr);
}

std::vector<DeliveryJob> message_not_sent(const Source& s) {
  // A send that timed out may still have reached the provider: it must not deliver it late,
  // since the CRM user was told the message was not sent. A refused one it knows of already.
  if (domain::text(s.d, "reason") != "expired") return {};
  // It never answered with its id (that would have made the message sent): ours names it.
  return s.chat_job("update_message_status", {"message_id"},
                    [](JsonWriter& w) { domain::put(w, "status", "failed"); });
}

std::vector<DeliveryJob> message_text_updated(const Source& s) {
  if (domain::text(s.d, "source") != "crm") return {};
  return s.chat_job("update_message_text",
                    {"message_id", "provider_message_id", "text", "format", "entities"}, nullptr);
}

std::vector<DeliveryJob> chat_read(const Source& s) {
  if (domain::text(s.d, "source") != "crm") return {};
  return s.chat_job("read_chat", {"account_id"}, [&](JsonWriter& w) {
    // The provider knows its own ids: when the event carries them, those go.
    if (s.d.HasMember("provider_message_ids")) {
      copy(w, s.d, "provider_message_ids", "message_ids");
    } else {
      copy(w, s.d, "message_ids");
    }
  });
}

constexpr std::string_view kTenantStream = "tenant-";

// The jobs of an event of the type, when it is on a stream of the kind.
struct Reaction {
  std::string_view stream;  // the stream id's prefix
  std::vector<DeliveryJob> (*jobs)(const Source&);
};

constexpr On<Reaction> kReactions[] = {
    {"ClientTokenActivated", {"connection-", token_activated}},
    {"ClientTokenDeactivated", {"connection-", token_deactivated}},
    {"AppRemoved", {kTenantStream, app_removed}},
    {"MessageSubmitted", {"chat-", message_submitted}},
    {"MessageNotSent", {"chat-", message_not_sent}},
    {"MessageTextUpdated", {"chat-", message_text_updated}},
    {"ChatRead", {"chat-", chat_read}},
};

}  // namespace

eventstore::EventFilter DeliveryReactor::wanted() {
  return filter_of(kReactions);
}

std::vector<DeliveryJob> DeliveryReactor::jobs_for(const eventstore::RecordedEvent& e,
                                                   std::string_view public_base_url) {
  const auto* reaction = handler_for(kReactions, e.type);
  if (reaction == nullptr || !e.stream_id.starts_with(reaction->stream)) return {};
  const auto d = domain::parse(e.data);
  if (!d.IsObject()) return {};
  Source s{e,
           d,
           reaction->stream == kTenantStream ? e.stream_id.substr(kTenantStream.size())
                                             : domain::text(d, "tenant_id"),
           domain::text(d, "provider_code"),
           {},
           public_base_url};
  if (s.tenant_id.empty() || s.provider.empty()) return {};
  s.lane = s.tenant_id + "/" + s.provider;
  return reaction->jobs(s);
}

std::vector<OutboundMessage> DeliveryReactor::react(pqxx::transaction_base&,
                                                    const eventstore::RecordedEvent& event) {
  std::vector<OutboundMessage> messages;
  for (auto& j : jobs_for(event, public_base_url_)) {
    messages.push_back({subject_, std::move(j.job_id), std::move(j.payload)});
  }
  return messages;
}

}  // namespace switchboard::projections::messaging
