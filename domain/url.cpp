#include "domain/url.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>

namespace switchboard::domain {

bool http_url(std::string_view url, std::size_t max_length) {
  std::string_view rest;
  if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return false;
  }
  if (url.size() > max_length || rest.substr(0, rest.find_first_of("/?#")).empty()) return false;
  return std::ranges::none_of(url, [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7f || c == '"' || c == '<' || c == '>' || c == '\\';
  });
}

namespace {

// Four decimal octets, the first 127. Shorthands a resolver would also take (127.1) count as not
// loopback: refusing them is the safe side.
bool ipv4_loopback(std::string_view host) {
  for (int octet = 0; octet < 4; ++octet) {
    if (octet > 0) {
      if (!host.starts_with('.')) return false;
      host.remove_prefix(1);
    }
    unsigned value = 256;
    const auto [end, ec] = std::from_chars(host.data(), host.data() + host.size(), value);
    const auto digits = static_cast<std::size_t>(end - host.data());
    if (ec != std::errc{} || digits == 0 || digits > 3 || value > 255) return false;
    if (octet == 0 && value != 127) return false;
    host.remove_prefix(digits);
  }
  return host.empty();
}

bool loopback_host(std::string_view host) {
  std::string lower(host);
  std::ranges::transform(lower, lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower.ends_with('.')) lower.pop_back();  // the root label: "localhost." is localhost
  return lower == "localhost" || lower == "[::1]" || lower == "[0:0:0:0:0:0:0:1]" ||
         ipv4_loopback(lower);
}

}  // namespace

bool clear_text_off_loopback(std::string_view url) {
  if (!url.starts_with("http://")) return false;
  auto authority = url.substr(7);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  // The port follows the last ':' after an IPv6 literal's ']' (or in the whole authority).
  const auto bracket = authority.rfind(']');
  const auto colon = authority.rfind(':');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    authority = authority.substr(0, colon);
  }
  return !loopback_host(authority);
}

}  // namespace switchboard::domain
