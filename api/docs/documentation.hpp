#pragma once

// What the developer portal serves (seed 000: the public API's documentation, localised): the
// OpenAPI document and the provider guides, in every language of language.hpp, rendered once (on
// the first request for them) from the files CMake embeds into the binary, so a server finds them
// wherever it runs.

#include <map>
#include <string>

#include "api/docs/language.hpp"
#include "api/docs/openapi_document.hpp"

namespace switchboard::api::docs {

// docs/openapi.yaml, docs/i18n/*.yaml and the provider guides (docs/guides/NAME.LANG.md), by
// their path under docs/. Defined in the source file CMake generates (cmake/embed_files.cmake).
const Files& embedded_docs();

// The Russian texts of docs/openapi.yaml, under docs/.
inline constexpr std::string_view russian_translations = "i18n/openapi.ru.yaml";

// How far docs/i18n/openapi.ru.yaml is from docs/openapi.yaml (bundled with `schemas`).
TranslationReport russian_translation_report(const Files& docs, const Files& schemas);

struct Guide {
  std::string title;  // its first heading
  std::string markdown;
};

class Documentation {
 public:
  // From `docs` (embedded_docs()) and the JSON Schemas the spec references (api/schemas). Throws
  // std::runtime_error for a spec, schema or translation file it cannot read, or a guide that is
  // not written in every language.
  Documentation(const Files& docs, const Files& schemas);

  const std::string& openapi_yaml(Language language) const { return openapi_yaml_.at(language); }
  const std::string& openapi_json(Language language) const { return openapi_json_.at(language); }
  // By name ("provider-integration"), then language.
  const std::map<std::string, std::map<Language, Guide>>& guides() const { return guides_; }

 private:
  std::map<Language, std::string> openapi_yaml_;
  std::map<Language, std::string> openapi_json_;
  std::map<std::string, std::map<Language, Guide>> guides_;
};

}  // namespace switchboard::api::docs
