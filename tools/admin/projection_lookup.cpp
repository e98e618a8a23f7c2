#include "tools/admin/projection_lookup.hpp"

#include <fmt/format.h>

#include "projections/registry.hpp"
#include "tools/admin/command_line.hpp"

namespace switchboard::tools::admin {

std::string projection_names() {
  std::vector<std::string> names;
  for (const auto& p : projections::all_projections()) names.push_back(p->name());
  return fmt::format("{}", fmt::join(names, ", "));
}

std::shared_ptr<projections::Projection> find_projection(const std::string& name) {
  for (auto& p : projections::all_projections()) {
    if (p->name() == name) return p;
  }
  throw UsageError(
      fmt::format("unknown projection '{}'; known projections: {}", name, projection_names()));
}

std::vector<std::shared_ptr<projections::Projection>> find_projections(
    const std::vector<std::string>& names) {
  if (names.empty()) return projections::all_projections();
  std::vector<std::shared_ptr<projections::Projection>> found;
  for (const auto& name : names) found.push_back(find_projection(name));
  return found;
}

}  // namespace switchboard::tools::admin
