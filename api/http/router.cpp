#include "api/http/router.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace switchboard::api::http {
namespace {

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

std::vector<std::string> parse_param_names(std::string_view route) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < route.size(); ++i) {
    if (route[i] != ':') continue;
    std::size_t end = i + 1;
    while (end < route.size() && is_name_char(route[end])) ++end;
    if (end == i + 1) {
      throw std::invalid_argument("route '" + std::string{route} + "': ':' without a name");
    }
    names.emplace_back(route.substr(i + 1, end - i - 1));
    i = end - 1;
  }
  return names;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

void Router::add(Method method, std::string route, Handler handler, RouteOptions options) {
  add_async(
      method, std::move(route),
      [handler = std::move(handler)](Request request, Responder respond) {
        respond(handler(request));
      },
      std::move(options));
}

void Router::add_async(Method method, std::string route, AsyncHandler handler,
                       RouteOptions options) {
  add_gate(method, std::move(route),
           Gate{[handler = std::move(handler)](
                    const Request&) -> std::variant<AsyncHandler, Response> { return handler; },
                {}},
           std::move(options));
}

void Router::add_gate(Method method, std::string route, Gate gate, RouteOptions options) {
  if (route.empty() || route.front() != '/') {
    throw std::invalid_argument("route '" + route + "' must start with '/'");
  }
  const bool duplicate = std::ranges::any_of(
      routes_, [&](const RouteEntry& e) { return e.method == method && e.route == route; });
  if (duplicate) {
    throw std::invalid_argument("route " + std::string{to_string(method)} + " " + route +
                                " registered twice");
  }
  auto names = parse_param_names(route);
  routes_.push_back(RouteEntry{.method = method,
                               .route = std::move(route),
                               .param_names = std::move(names),
                               .gate = std::move(gate),
                               .options = std::move(options)});
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int hi = hex_value(text[i + 1]);
    const int lo = hex_value(text[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

}  // namespace switchboard::api::http
