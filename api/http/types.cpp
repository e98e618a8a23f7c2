#include "api/http/types.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>

namespace switchboard::api::http {

std::string_view to_string(Method method) {
  switch (method) {
    case Method::get:
      return "GET";
    case Method::post:
      return "POST";
    case Method::put:
      return "PUT";
    case Method::patch:
      return "PATCH";
    case Method::del:
      return "DELETE";
  }
  return "GET";
}

bool iequals(std::string_view a, std::string_view b) {
  return std::ranges::equal(
      a, b, [](unsigned char x, unsigned char y) { return std::tolower(x) == std::tolower(y); });
}

std::optional<std::string_view> bearer_token(std::string_view authorization) {
  const auto trim = [](std::string_view s) {
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string_view::npos) return std::string_view{};
    return s.substr(first, s.find_last_not_of(" \t") - first + 1);
  };
  constexpr std::string_view scheme = "Bearer ";
  authorization = trim(authorization);
  if (authorization.size() <= scheme.size() ||
      !iequals(authorization.substr(0, scheme.size()), scheme)) {
    return std::nullopt;
  }
  const auto token = trim(authorization.substr(scheme.size()));
  if (token.empty()) return std::nullopt;
  return token;
}

std::optional<std::string_view> Request::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return std::string_view{value};
  }
  return std::nullopt;
}

bool not_modified(const Request& request, std::string_view etag) {
  const auto header = request.header("If-None-Match");
  if (!header) return false;
  const auto opaque = [](std::string_view tag) {
    return tag.starts_with("W/") ? tag.substr(2) : tag;
  };
  std::string_view rest = *header;
  while (!rest.empty()) {
    const auto comma = std::min(rest.find(','), rest.size());
    auto tag = rest.substr(0, comma);
    rest.remove_prefix(std::min(comma + 1, rest.size()));
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag == "*" || (!tag.empty() && opaque(tag) == opaque(etag))) return true;
  }
  return false;
}

std::optional<std::string> Request::query_param(std::string_view name) const {
  auto it = query.find(std::string{name});
  if (it == query.end()) return std::nullopt;
  return it->second;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 428:
      return "Precondition Required";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Unknown";
  }
}

Response problem(int status, std::string title, std::string detail,
                 std::vector<FieldError> errors) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w{buffer};
  auto string = [&w](std::string_view s) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  };
  w.StartObject();
  w.Key("type");
  w.String("about:blank");
  w.Key("title");
  string(title);
  w.Key("status");
  w.Int(status);
  if (!detail.empty()) {
    w.Key("detail");
    string(detail);
  }
  if (!errors.empty()) {
    w.Key("errors");
    w.StartArray();
    for (const auto& e : errors) {
      w.StartObject();
      w.Key("field");
      string(e.field);
      w.Key("message");
      string(e.message);
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  return Response{.status = status,
                  .content_type = "application/problem+json",
                  .body = std::string{buffer.GetString(), buffer.GetSize()},
                  .headers = {}};
}

Response retry_later(std::string title, std::string detail, std::chrono::seconds retry_after) {
  auto response = problem(503, std::move(title), std::move(detail));
  response.headers.emplace_back("Retry-After", std::to_string(retry_after.count()));
  return response;
}

Response database_unavailable(std::string detail) {
  return retry_later("database unavailable", std::move(detail));
}

Response json(int status, std::string body) {
  return Response{.status = status, .content_type = "application/json", .body = std::move(body)};
}

}  // namespace switchboard::api::http
