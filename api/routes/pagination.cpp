#include "api/routes/pagination.hpp"

#include <charconv>

#include "domain/json.hpp"

namespace switchboard::api::routes {

namespace {
constexpr std::size_t kMaxLimit = 200;
}

std::variant<PageRequest, http::Response> page_request(const http::Request& request) {
  PageRequest page;
  if (const auto limit = request.query_param("limit")) {
    const auto* end = limit->data() + limit->size();
    const auto [ptr, ec] = std::from_chars(limit->data(), end, page.limit);
    if (ec != std::errc() || ptr != end || page.limit < 1 || page.limit > kMaxLimit) {
      return http::problem(400, "invalid request", "bad query parameter",
                           {{"limit", "must be an integer from 1 to 200"}});
    }
  }
  if (const auto cursor = request.query_param("cursor")) {
    if (cursor->empty() || cursor->size() > 256) return bad_cursor();
    page.cursor = *cursor;
  }
  return page;
}

std::optional<std::int64_t> to_integer(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

http::Response bad_cursor() {
  return http::problem(400, "invalid request", "bad query parameter",
                       {{"cursor", "pass the next_cursor of the previous page"}});
}

std::string page_json(const std::vector<std::string>& items_json,
                      const std::optional<std::string>& next_cursor) {
  return domain::json_object([&](domain::JsonWriter& w) {
    w.Key("items");
    w.StartArray();
    for (const auto& item : items_json) {
      w.RawValue(item.data(), item.size(), rapidjson::kObjectType);
    }
    w.EndArray();
    if (next_cursor) {
      domain::put(w, "next_cursor", *next_cursor);
    } else {
      w.Key("next_cursor");
      w.Null();
    }
  });
}

}  // namespace switchboard::api::routes
