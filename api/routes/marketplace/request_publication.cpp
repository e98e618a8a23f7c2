#include "api/routes/app_command.hpp"
#include "api/routes/marketplace/marketplace.hpp"

namespace switchboard::api::routes::marketplace {

// 200 once published (again: asking twice is not an error); otherwise 409 listing every unmet
// condition.
http::HandlerFor<auth::Principal> request_publication(Dependencies deps) {
  return [deps](const http::Request& request, const auth::Principal& caller) {
    return run_app_command(deps.platform, request, caller,
                           domain::provider_platform::RequestPublication{});
  };
}

}  // namespace switchboard::api::routes::marketplace
