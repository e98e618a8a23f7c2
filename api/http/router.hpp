#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http/types.hpp"

namespace switchboard::api::http {

struct RouteEntry {
  Method method;
  // Express-style template: "/admin/v1/things/:id".
  std::string route;
  std::vector<std::string> param_names;
  // Synchronous handlers are stored wrapped, so the server has a single calling convention.
  AsyncHandler handler;
  RouteOptions options;
};

// The route table. Filled at start-up, then read-only while the server runs.
class Router {
 public:
  // Throws std::invalid_argument for a malformed template or a duplicate (method, route): both are
  // programming errors caught at start-up.
  void add(Method method, std::string route, Handler handler, RouteOptions options = {});
  void add_async(Method method, std::string route, AsyncHandler handler, RouteOptions options = {});

  const std::vector<RouteEntry>& routes() const { return routes_; }

 private:
  std::vector<RouteEntry> routes_;
};

// "%41b+c" -> "Ab+c". nullopt on a truncated or non-hex escape.
std::optional<std::string> percent_decode(std::string_view text);

}  // namespace switchboard::api::http
