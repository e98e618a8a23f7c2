#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "api/http/types.hpp"

namespace switchboard::api::http {

// What a route's callers must present (a kind of token, an agent session) and who they are once
// checked. The server checks it before it looks at the body, so a caller without valid
// credentials learns nothing about what the route accepts: 401/403 come before 400.
template <class Caller>
struct Credential {
  // The caller, or the refusal to answer instead (401, 403; 404 where the caller may not even
  // learn that a resource exists; 503 when the face is not configured). Runs once per request.
  std::function<std::variant<Caller, Response>(const Request&)> check;
  // Where the check, and then the rest of the request, run: on the server's thread when empty;
  // a face whose check may block (a read of the event store) names its own workers.
  std::function<void(std::function<void()>)> run_on;
};

// `credential`, then `refine(request, caller)` making more of its caller (path parameters it acts
// on, what it owns) or refusing it: `refine` returns std::variant<Refined, Response>.
template <class Caller, class Refine>
auto refined(Credential<Caller> credential, Refine refine) {
  using Result = std::invoke_result_t<Refine, const Request&, Caller>;
  return Credential<std::variant_alternative_t<0, Result>>{
      [check = std::move(credential.check),
       refine = std::move(refine)](const Request& request) -> Result {
        auto caller = check(request);
        if (auto* refusal = std::get_if<Response>(&caller)) return std::move(*refusal);
        return refine(request, std::get<Caller>(std::move(caller)));
      },
      std::move(credential.run_on)};
}

template <class Caller>
using HandlerFor = std::function<Response(const Request&, const Caller&)>;
template <class Caller>
using AsyncHandlerFor = std::function<void(Request, const Caller&, Responder)>;

// A route's credential check with its handler bound to the caller it admits.
struct Gate {
  std::function<std::variant<AsyncHandler, Response>(const Request&)> admit;
  std::function<void(std::function<void()>)> run_on;  // as Credential::run_on
};

struct RouteEntry {
  Method method;
  // Express-style template: "/admin/v1/things/:id".
  std::string route;
  std::vector<std::string> param_names;
  // Every handler is stored behind a gate (one that admits anyone on routes without
  // credentials), so the server has a single calling convention.
  Gate gate;
  RouteOptions options;
};

// The route table. Filled at start-up, then read-only while the server runs.
class Router {
 public:
  // Throws std::invalid_argument for a malformed template or a duplicate (method, route): both are
  // programming errors caught at start-up.
  void add(Method method, std::string route, Handler handler, RouteOptions options = {});
  void add_async(Method method, std::string route, AsyncHandler handler, RouteOptions options = {});

  // Routes whose callers must present `credential`; the handler gets the caller it checked.
  template <class Caller>
  void add(Method method, std::string route, Credential<Caller> credential,
           std::type_identity_t<HandlerFor<Caller>> handler, RouteOptions options = {}) {
    add_async(
        method, std::move(route), std::move(credential),
        AsyncHandlerFor<Caller>{[handler = std::move(handler)](
                                    Request request, const Caller& caller, Responder respond) {
          respond(handler(request, caller));
        }},
        std::move(options));
  }

  template <class Caller>
  void add_async(Method method, std::string route, Credential<Caller> credential,
                 std::type_identity_t<AsyncHandlerFor<Caller>> handler, RouteOptions options = {}) {
    auto admit = [check = std::move(credential.check), handler = std::move(handler)](
                     const Request& request) -> std::variant<AsyncHandler, Response> {
      auto caller = check(request);
      if (auto* refusal = std::get_if<Response>(&caller)) return std::move(*refusal);
      return AsyncHandler{[handler, caller = std::get<Caller>(std::move(caller))](
                              Request request, Responder respond) {
        handler(std::move(request), caller, std::move(respond));
      }};
    };
    add_gate(method, std::move(route), Gate{std::move(admit), std::move(credential.run_on)},
             std::move(options));
  }

  const std::vector<RouteEntry>& routes() const { return routes_; }

 private:
  void add_gate(Method method, std::string route, Gate gate, RouteOptions options);

  std::vector<RouteEntry> routes_;
};

// "%41b+c" -> "Ab+c". nullopt on a truncated or non-hex escape.
std::optional<std::string> percent_decode(std::string_view text);

}  // namespace switchboard::api::http
