#include "projections/registry.hpp"

#include "projections/access/access_tokens_projection.hpp"
#include "projections/cti/directory_projection.hpp"
#include "projections/cti/event_cache_projection.hpp"
#include "projections/messaging/delivery_reactor.hpp"
#include "projections/messaging/messaging_projection.hpp"
#include "projections/provider_platform/notice_push_reactor.hpp"
#include "projections/provider_platform/notices_projection.hpp"
#include "projections/provider_platform/providers_projection.hpp"
#include "projections/provider_platform/tenant_bindings_projection.hpp"
#include "projections/stream_catalog/stream_catalog_projection.hpp"

namespace switchboard::projections {

std::vector<std::shared_ptr<Projection>> all_projections() {
  return {
      std::make_shared<StreamCatalogProjection>(),
      std::make_shared<access::AccessTokensProjection>(),
      std::make_shared<cti::EventCacheProjection>(),
      std::make_shared<cti::DirectoryProjection>(),
      std::make_shared<provider_platform::ProvidersProjection>(),
      std::make_shared<provider_platform::TenantBindingsProjection>(),
      std::make_shared<provider_platform::NoticesProjection>(),
      std::make_shared<messaging::MessagingProjection>(),
  };
}

std::vector<Follower> reactor_followers() {
  return {{messaging::kDeliveryReactorName, messaging::DeliveryReactor::wanted().types},
          {provider_platform::kNoticePushReactorName,
           provider_platform::NoticePushReactor::wanted().types}};
}

}  // namespace switchboard::projections
