#pragma once

// Cursor pagination for query routes that list what can grow: `limit` (1..200, default 50) and an
// opaque `cursor` taken from the previous page's `next_cursor`.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "api/http/types.hpp"

namespace switchboard::api::routes {

struct PageRequest {
  std::size_t limit = 50;
  std::string cursor;  // empty: the first page
};

// The page asked for, or a 400 problem naming the bad parameter.
std::variant<PageRequest, http::Response> page_request(const http::Request& request);

// A non-negative decimal integer, or nullopt (cursors that are positions or versions, numeric
// query parameters).
std::optional<std::int64_t> to_integer(std::string_view text);

// 400 naming `cursor`: one the server never handed out.
http::Response bad_cursor();

// {"items": [<each of items_json>], "next_cursor": "..." | null}
std::string page_json(const std::vector<std::string>& items_json,
                      const std::optional<std::string>& next_cursor);

}  // namespace switchboard::api::routes
