#include "api/docs/language.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace switchboard::api::docs {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The weight of a range's parameters ("q=0.5"), in thousandths; 1000 when there is none and
// nullopt when it is not a valid qvalue.
std::optional<int> weight(std::string_view parameters) {
  while (!parameters.empty()) {
    const auto semicolon = parameters.find(';');
    const auto parameter = trim(parameters.substr(0, semicolon));
    parameters =
        semicolon == std::string_view::npos ? std::string_view{} : parameters.substr(semicolon + 1);
    if (parameter.size() < 2 || (parameter[0] != 'q' && parameter[0] != 'Q') ||
        parameter[1] != '=') {
      continue;
    }
    const auto value = parameter.substr(2);
    // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
    if (value.empty() || (value[0] != '0' && value[0] != '1') || value.size() > 5 ||
        (value.size() > 1 && value[1] != '.')) {
      return std::nullopt;
    }
    int thousandths = (value[0] - '0') * 1000;
    int scale = 100;
    for (const char digit : value.substr(std::min<std::size_t>(2, value.size()))) {
      if (!std::isdigit(static_cast<unsigned char>(digit))) return std::nullopt;
      thousandths += (digit - '0') * scale;
      scale /= 10;
    }
    if (thousandths > 1000) return std::nullopt;
    return thousandths;
  }
  return 1000;
}

}  // namespace

std::string_view code(Language language) {
  return language == Language::ru ? "ru" : "en";
}

std::optional<Language> parse_language(std::string_view text) {
  std::string lower(text);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto language : languages) {
    if (lower == code(language)) return language;
  }
  return std::nullopt;
}

std::optional<Language> preferred_language(std::string_view accept_language) {
  std::optional<Language> best;
  int best_weight = 0;
  while (!accept_language.empty()) {
    const auto comma = accept_language.find(',');
    const auto item = accept_language.substr(0, comma);
    accept_language =
        comma == std::string_view::npos ? std::string_view{} : accept_language.substr(comma + 1);
    const auto semicolon = item.find(';');
    const auto range = trim(item.substr(0, semicolon));
    const auto q = weight(semicolon == std::string_view::npos ? std::string_view{}
                                                              : item.substr(semicolon + 1));
    if (!q || *q <= best_weight) continue;
    std::optional<Language> language;
    if (range == "*") {
      language = default_language;
    } else {
      language = parse_language(range.substr(0, range.find('-')));
    }
    if (language) {
      best = language;
      best_weight = *q;
    }
  }
  return best;
}

}  // namespace switchboard::api::docs
