#pragma once

#include "api/auth/authenticator.hpp"
#include "api/delivery/outcomes.hpp"
#include "commands/messaging/messaging_commands.hpp"
#include "commands/provider_platform/platform_commands.hpp"

namespace switchboard::api::wiring {

// What providers did with delivery jobs, recorded as messaging commands (and notice pushes as
// notice commands). Every command is
// idempotent in the domain (a repeated delivery, a second not-sent, an account already connected
// change nothing), so a job that comes again after a crash records nothing new. A refusal by the
// domain is final and counts as recorded; only a store that could not record asks for a retry.
class DeliveryOutcomes final : public delivery::DeliveryOutcomes {
 public:
  DeliveryOutcomes(const auth::Authenticator& auth,
                   commands::messaging::MessagingCommands& messaging,
                   commands::provider_platform::PlatformCommands& platform)
      : auth_(auth), messaging_(messaging), platform_(platform) {}

  bool delivered(const delivery::Job& job, const std::string& provider_message_id) override;
  bool not_sent(const delivery::Job& job, std::string_view reason,
                std::string_view detail) override;
  bool accounts_listed(const delivery::Job& job, const rapidjson::Value& accounts_array,
                       delivery::SyncTally& tally) override;
  bool history_page(const delivery::Job& job, const rapidjson::Value& messages_array,
                    delivery::SyncTally& tally) override;
  bool sync_ended(const delivery::Job& job, const delivery::SyncTally& tally,
                  std::string_view reason, std::string_view detail) override;
  bool remove_app(const delivery::Job& job) override;
  bool notice_pushed(const delivery::Job& job, std::string_view reason,
                     std::string_view detail) override;

 private:
  const auth::Authenticator& auth_;
  commands::messaging::MessagingCommands& messaging_;
  commands::provider_platform::PlatformCommands& platform_;
};

}  // namespace switchboard::api::wiring
