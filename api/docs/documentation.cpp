#include "api/docs/documentation.hpp"

#include <algorithm>
#include <stdexcept>

namespace switchboard::api::docs {
namespace {

std::string_view file(const Files& files, std::string_view name) {
  const auto found = std::find_if(files.begin(), files.end(),
                                  [&](const auto& entry) { return entry.first == name; });
  if (found == files.end()) throw std::runtime_error("docs/" + std::string(name) + " is missing");
  return found->second;
}

std::string first_heading(std::string_view markdown) {
  const auto start = markdown.find("# ");
  if (start == std::string_view::npos) return {};
  const auto end = markdown.find('\n', start);
  return std::string(markdown.substr(start + 2, end - start - 2));
}

}  // namespace

TranslationReport russian_translation_report(const Files& docs, const Files& schemas) {
  return check(bundle(file(docs, "openapi.yaml"), schemas),
               parse_translations(file(docs, russian_translations), "ru"));
}

Documentation::Documentation(const Files& docs, const Files& schemas) {
  const auto english = bundle(file(docs, "openapi.yaml"), schemas);
  const auto russian =
      localize(english, parse_translations(file(docs, russian_translations), "ru"));
  for (const auto& [language, document] :
       {std::pair{Language::en, english}, std::pair{Language::ru, russian}}) {
    openapi_yaml_[language] = to_yaml(document);
    openapi_json_[language] = to_json(document);
  }

  constexpr std::string_view guides_folder = "guides/";
  for (const auto& [path, text] : docs) {
    if (!path.starts_with(guides_folder) || !path.ends_with(".md")) continue;
    // guides/NAME.LANG.md
    const auto stem = path.substr(guides_folder.size(), path.size() - guides_folder.size() - 3);
    const auto dot = stem.rfind('.');
    const auto language =
        dot == std::string_view::npos ? std::nullopt : parse_language(stem.substr(dot + 1));
    if (!language) throw std::runtime_error("docs/" + std::string(path) + " names no language");
    guides_[std::string(stem.substr(0, dot))][*language] =
        Guide{first_heading(text), std::string(text)};
  }
  for (const auto& [name, translations] : guides_) {
    if (translations.size() != std::size(languages)) {
      throw std::runtime_error("the guide " + name + " is not written in every language");
    }
  }
}

}  // namespace switchboard::api::docs
