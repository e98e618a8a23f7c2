#pragma once

// Content negotiation and gzip, on zlib directly: inflating must stop at a size limit (a small
// gzip body can expand a thousandfold) and report bad input as a status, not an exception.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace switchboard::api::http {

// True when an Accept-Encoding value allows gzip ("gzip", "x-gzip" or "*", not with q=0).
bool accepts_gzip(std::string_view accept_encoding);

std::string gzip(std::string_view data);

struct Inflated {
  enum class Status { ok, too_large, corrupt };
  Status status;
  std::string data;
};

// Inflates a gzip stream, giving up as soon as the output would exceed max_bytes.
Inflated gunzip(std::string_view data, std::size_t max_bytes);

// The X-Request-Id to use: the client's when it is 1-128 characters of [A-Za-z0-9._:-]
// (anything else could smuggle text into logs), otherwise a fresh 128-bit hex id.
std::string request_id_for(std::optional<std::string_view> client_value);

std::string new_request_id();

}  // namespace switchboard::api::http
