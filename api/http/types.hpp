#pragma once

// Transport-neutral request/response types. Route handlers depend on these only, so they compile
// without RESTinio (whose headers cost ~17 s per translation unit).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace switchboard::api::http {

enum class Method { get, post, put, patch, del };

// "GET", "POST", "PUT", "PATCH", "DELETE".
std::string_view to_string(Method method);

struct Request {
  Method method = Method::get;
  std::string path;
  // The template that matched, e.g. "/admin/v1/things/:id".
  std::string route;
  // Route parameters, percent-decoded.
  std::map<std::string, std::string> params;
  // Query parameters, percent-decoded, in request order.
  std::multimap<std::string, std::string> query;
  std::vector<std::pair<std::string, std::string>> headers;
  // Already inflated when the client sent Content-Encoding: gzip.
  std::string body;
  std::string request_id;
  std::string remote_address;
  // With remote_address, the TCP connection the request came on (the client's port, the
  // server's), to ask whether the client still holds it (api/http/connection_probe.hpp).
  std::uint16_t remote_port = 0;
  std::uint16_t local_port = 0;
  // When the server closes the connection whatever the handler does (its request timeout): no
  // one waits for the answer after it. Never, for requests the server did not build.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();

  // Header names compare case-insensitively; the first occurrence wins.
  std::optional<std::string_view> header(std::string_view name) const;
  // First value of a query parameter.
  std::optional<std::string> query_param(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

struct FieldError {
  // A JSON pointer into the body ("/chat/id"), or a header or query parameter name.
  std::string field;
  std::string message;
};

// RFC 7807 application/problem+json: {type, title, status, detail, errors: [{field, message}]}.
Response problem(int status, std::string title, std::string detail = {},
                 std::vector<FieldError> errors = {});

// 503 with Retry-After: something that passes (an outage, a resource changed concurrently, a
// server shutting down, a full queue), so clients should retry rather than report a bug.
Response retry_later(std::string title, std::string detail,
                     std::chrono::seconds retry_after = std::chrono::seconds{1});

// retry_later "database unavailable": PostgreSQL cannot be reached.
Response database_unavailable(std::string detail);

Response json(int status, std::string body);

// Standard reason phrase ("Not Found"); "Unknown" for codes we never send.
std::string_view reason_phrase(int status);

bool iequals(std::string_view a, std::string_view b);

// The token of an Authorization header's value `Bearer <token>` (the scheme in any case, spaces
// and tabs around the token ignored); nothing for another scheme or no token.
std::optional<std::string_view> bearer_token(std::string_view authorization);

// True when the request's If-None-Match lists `etag` (weak comparison: W/ is ignored on both
// sides) or is "*": the client holds the representation, so a GET may answer 304.
bool not_modified(const Request& request, std::string_view etag);

using Handler = std::function<Response(const Request&)>;
// Callable once, from any thread.
using Responder = std::function<void(Response)>;
using AsyncHandler = std::function<void(Request, Responder)>;

// An error answer (4xx or 5xx) as a route's observer sees it: refusals made before the handler
// (bad JSON, schema, size) included.
struct ErrorReport {
  std::string method;
  std::string route;
  std::string request_id;
  std::string authorization;  // the Authorization header, to tell who called
  int status = 0;
  std::string problem;  // the response body
};
using ErrorObserver = std::function<void(ErrorReport)>;

// ErrorReport::route of a 404 or 405 no route took, told to the observer of the routes that
// share the request's first two path segments (/public/v1/...).
inline constexpr const char* kUnmatchedRoute = "(unmatched)";

struct RouteOptions {
  // Empty: no body schema. Otherwise the name of a JSON Schema in api/schemas (without ".json"),
  // checked after the caller's credentials and before the handler runs.
  std::string body_schema;
  std::size_t max_body_bytes = 1 << 20;
  // Told about every error answer of the route (the public API's error log).
  ErrorObserver on_error;
};

}  // namespace switchboard::api::http
