#include "domain/url.hpp"

#include <algorithm>

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

}  // namespace switchboard::domain
