#pragma once

// The provider platform's commands (seeds 000, 001): apps and their providers, configurations,
// publication, tenant installations, update notices to providers. Routes call these; the rules live
// in domain/provider_platform.

#include <concepts>
#include <set>
#include <string>
#include <vector>

#include "commands/pipeline.hpp"
#include "domain/provider_platform/app.hpp"
#include "domain/provider_platform/notice.hpp"
#include "domain/provider_platform/notice_webhook.hpp"
#include "domain/provider_platform/provider_code.hpp"
#include "domain/provider_platform/tenant.hpp"

namespace switchboard::commands::provider_platform {

namespace pp = domain::provider_platform;

class PlatformCommands {
 public:
  explicit PlatformCommands(eventstore::EventStore& store)
      : apps_(store), tenants_(store), codes_(store), notices_(store), notice_webhooks_(store) {}

  // Reserves the system name as the provider code, then registers the app.
  CommandOutcome register_app(const pp::RegisterApp& command, const CommandContext& context,
                              std::string_view canonical);

  // Any other command on one app: decide(app state, command).
  template <class Command>
  CommandOutcome on_app(const std::string& app_id, const Command& command,
                        const CommandContext& context, std::string_view canonical) {
    return apps_.execute(app_id, context, canonical,
                         [&](const pp::App::State& s) { return pp::decide(s, command); });
  }

  // Publishing a notice or correcting it (the whole notice again), once every provider code it
  // lists is checked against the ProviderCode streams: a code an app holds counts, whether or
  // not its scope is on yet.
  template <class Command>
  requires std::derived_from<Command, pp::PublishNotice> CommandOutcome
  on_notice_text(const std::string& notice_id, const Command& command,
                 const CommandContext& context, std::string_view canonical) {
    const auto reserved = reserved_codes(command.providers);
    return notices_.execute(notice_id, context, canonical, [&](const pp::Notice::State& s) {
      return pp::decide(s, command, reserved);
    });
  }

  // Any other command on a notice (withdrawing, acknowledging): decide(notice state, command).
  template <class Command>
  CommandOutcome on_notice(const std::string& notice_id, const Command& command,
                           const CommandContext& context, std::string_view canonical) {
    return notices_.execute(notice_id, context, canonical,
                            [&](const pp::Notice::State& s) { return pp::decide(s, command); });
  }

  // A developer's notice webhook (registering, replacing, removing it).
  template <class Command>
  CommandOutcome on_notice_webhook(const Command& command, const CommandContext& context,
                                   std::string_view canonical) {
    return notice_webhooks_.execute(
        command.developer_id, context, canonical,
        [&](const pp::NoticeWebhook::State& s) { return pp::decide(s, command); });
  }

  // Installations decide with the app's current state at hand.
  template <class Command>
  CommandOutcome on_tenant(const std::string& tenant_id, const std::string& app_id,
                           const Command& command, const CommandContext& context,
                           std::string_view canonical) {
    return tenants_.execute(tenant_id, context, canonical, [&](const pp::Tenant::State& s) {
      if constexpr (std::is_same_v<Command, pp::RemoveApp>) {
        return pp::decide(s, command);
      } else {
        return pp::decide(s, command, app(app_id));
      }
    });
  }

  pp::App::State app(const std::string& app_id) {
    return apps_.load(Pipeline<pp::App>::stream_id(app_id))->state;
  }

  // The app that holds a system name (a provider code once its scope is on); empty when none
  // does. Callers pass only names valid_system_name accepts.
  std::string app_for_code(const std::string& code) {
    const auto stream = Pipeline<pp::ProviderCode>::stream_id(code);
    // A reservation is never released: a cached one stands without asking the store.
    if (const auto cached = codes_.cached(stream); cached && !cached->state.app_id.empty()) {
      return cached->state.app_id;
    }
    return codes_.load(stream)->state.app_id;
  }
  // The codes among `codes` that an app holds; malformed ones never become stream ids.
  std::set<std::string> reserved_codes(const std::vector<std::string>& codes);
  pp::Tenant::State tenant(const std::string& tenant_id) {
    return tenants_.load(Pipeline<pp::Tenant>::stream_id(tenant_id))->state;
  }

 private:
  Pipeline<pp::App> apps_;
  Pipeline<pp::Tenant> tenants_;
  Pipeline<pp::ProviderCode> codes_;
  Pipeline<pp::Notice> notices_;
  Pipeline<pp::NoticeWebhook> notice_webhooks_;
};

}  // namespace switchboard::commands::provider_platform
