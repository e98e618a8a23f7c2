#pragma once

// docs/openapi.yaml as the developer portal serves it: one self-contained document (the JSON
// Schemas it references in api/schemas become components), in English as written or with the
// Russian texts of docs/i18n/openapi.ru.yaml put in place of the English ones. The spec stays the
// one source of structure; the translation file holds texts only, each under the JSON pointer of
// the English text it replaces and together with that English text, so a text that changed or
// went away shows as stale or orphaned (check()) instead of drifting.

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace switchboard::api::docs {

// (file name, text), as cmake/embed_files.cmake embeds them.
using Files = std::vector<std::pair<std::string_view, std::string_view>>;

// The spec with every `$ref` to "../api/schemas/NAME.json[#pointer]" pointing at
// "#/components/schemas/NAME[pointer]" instead, and every such schema file (and the ones it
// references) copied there. Throws std::runtime_error for a schema file that is not in `schemas`
// or whose name a component of the spec already has.
YAML::Node bundle(std::string_view openapi_yaml, const Files& schemas);

// A human-readable text of the document: a `summary`, `description` or `title` that is a string
// and is not example data (under `example`, `examples` lists, `enum`, `const`, `default`, an
// Example Object's `value`).
struct Text {
  std::string pointer;  // JSON pointer (RFC 6901) into the bundled document
  std::string text;
};
std::vector<Text> texts(const YAML::Node& document);

struct Translation {
  std::string english;  // the text it translates, as it was when translated
  std::string translated;
};
// By JSON pointer.
using Translations = std::map<std::string, Translation>;

// A translation file: a map from JSON pointer to {en: ..., <language>: ...}. Throws
// std::runtime_error naming the entry that is not such a pair.
Translations parse_translations(std::string_view yaml, std::string_view language);

struct TranslationReport {
  std::vector<Text> missing;          // English texts without a translation
  std::vector<std::string> stale;     // pointers whose English text changed since
  std::vector<std::string> orphaned;  // pointers at no English text
  bool complete() const { return missing.empty() && stale.empty() && orphaned.empty(); }
};
TranslationReport check(const YAML::Node& document, const Translations& translations);

// A copy of `document` with each text that has a translation replaced by it; a text without one
// stays English.
YAML::Node localize(const YAML::Node& document, const Translations& translations);

// The document as block-style YAML and as indented JSON. Plain scalars keep their YAML 1.2 core
// schema types (null, booleans, numbers); quoted ones stay strings.
std::string to_yaml(const YAML::Node& document);
std::string to_json(const YAML::Node& document);

}  // namespace switchboard::api::docs
