#include "projections/registry.hpp"

#include "projections/stream_catalog/stream_catalog_projection.hpp"

namespace switchboard::projections {

std::vector<std::shared_ptr<Projection>> all_projections() {
  return {std::make_shared<StreamCatalogProjection>()};
}

}  // namespace switchboard::projections
