#pragma once

// The languages the developer portal's documentation is written in, and how a request picks one.

#include <optional>
#include <string_view>

namespace switchboard::api::docs {

enum class Language { ru, en };

// SberCRM's locale (the seeds are Russian): what a reader who states no language gets.
inline constexpr Language default_language = Language::ru;
inline constexpr Language languages[] = {Language::ru, Language::en};

// "ru", "en": the code in URLs, file names and Content-Language.
std::string_view code(Language language);

// The language of a code, case-insensitively ("RU" too); nullopt for any other.
std::optional<Language> parse_language(std::string_view code);

// The supported language an Accept-Language header (RFC 9110, 12.5.4) ranks highest: a range
// matches by its primary subtag ("en-GB" is en), "*" is the default language, q=0 refuses; among
// equal weights the first listed wins. nullopt when it accepts none of them (or is malformed
// beyond use), so the caller falls back to the default.
std::optional<Language> preferred_language(std::string_view accept_language);

}  // namespace switchboard::api::docs
