#include "commands/provider_platform/platform_commands.hpp"

namespace switchboard::commands::provider_platform {

CommandOutcome PlatformCommands::register_app(const pp::RegisterApp& command,
                                              const CommandContext& context,
                                              std::string_view canonical) {
  // Input the app itself would refuse is refused before the name becomes a stream id.
  if (auto d = pp::decide(pp::App::State{}, command);
      std::holds_alternative<domain::Rejection>(d)) {
    CommandOutcome refused;
    refused.status = CommandOutcome::Status::rejected;
    refused.rejection = std::get<domain::Rejection>(std::move(d));
    return refused;
  }
  // The reservation carries no idempotency key of its own: a retry finds it already held by
  // this app and passes.
  CommandContext reservation = context;
  reservation.idempotency_key.reset();
  const pp::ReserveProviderCode reserve{command.app_id};
  auto reserved = codes_.execute(command.system_name, reservation, canonical,
                                 [&](const auto& s) { return pp::decide(s, reserve); });
  if (!reserved.ok()) return reserved;
  return apps_.execute(command.app_id, context, canonical,
                       [&](const pp::App::State& s) { return pp::decide(s, command); });
}

}  // namespace switchboard::commands::provider_platform
