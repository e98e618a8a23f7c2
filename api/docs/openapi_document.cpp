#include "api/docs/openapi_document.hpp"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <regex>
#include <set>
#include <stdexcept>
#include <utility>

#include "domain/json.hpp"

namespace switchboard::api::docs {
namespace {

constexpr std::string_view spec_schemas = "../api/schemas/";
constexpr std::string_view components_schemas = "#/components/schemas/";

// Keys whose values are data, never prose: their `description` members are example content.
bool is_data_key(const std::string& key, const YAML::Node& value) {
  return key == "example" || key == "enum" || key == "const" || key == "default" ||
         key == "value" || (key == "examples" && value.IsSequence());
}

// Keys whose members are names chosen by the author (a property called `description`).
bool names_members(const std::string& key) {
  return key == "properties" || key == "patternProperties" || key == "definitions" ||
         key == "$defs";
}

template <class Visit>
void walk_texts(YAML::Node node, const std::string& pointer, bool member_names,
                const Visit& visit) {
  if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) {
      walk_texts(node[i], domain::child_pointer(pointer, std::to_string(i)), false, visit);
    }
    return;
  }
  if (!node.IsMap()) return;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const auto key = it->first.Scalar();
    YAML::Node value = it->second;
    const auto at = domain::child_pointer(pointer, key);
    if (!member_names) {
      if ((key == "summary" || key == "description" || key == "title") && value.IsScalar()) {
        visit(at, value);
        continue;
      }
      if (is_data_key(key, value)) continue;
    }
    walk_texts(value, at, !member_names && names_members(key), visit);
  }
}

template <class Visit>
void walk_refs(YAML::Node node, const Visit& visit) {
  if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) walk_refs(node[i], visit);
  } else if (node.IsMap()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      YAML::Node value = it->second;
      if (it->first.Scalar() == "$ref" && value.IsScalar()) {
        value = visit(value.Scalar());
      } else {
        walk_refs(value, visit);
      }
    }
  }
}

// "NAME.json#/pointer" -> {NAME, "/pointer"}.
std::pair<std::string, std::string> split_file_ref(std::string_view ref) {
  const auto hash = ref.find('#');
  const auto file = ref.substr(0, hash);
  if (file.size() <= 5 || file.substr(file.size() - 5) != ".json") {
    throw std::runtime_error("unsupported $ref " + std::string(ref));
  }
  return {std::string(file.substr(0, file.size() - 5)),
          hash == std::string_view::npos ? std::string{} : std::string(ref.substr(hash + 1))};
}

enum class ScalarType { null, boolean, number, string };

// What a plain scalar means under the YAML 1.2 core schema (as the portals' YAML readers take it).
ScalarType plain_type(const std::string& text) {
  static const std::regex null_pattern{"|~|null|Null|NULL"};
  static const std::regex bool_pattern{"true|True|TRUE|false|False|FALSE"};
  static const std::regex number_pattern{
      "[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?|"
      "[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)"};
  if (std::regex_match(text, null_pattern)) return ScalarType::null;
  if (std::regex_match(text, bool_pattern)) return ScalarType::boolean;
  if (std::regex_match(text, number_pattern)) return ScalarType::number;
  return ScalarType::string;
}

ScalarType type_of(const YAML::Node& node) {
  if (node.IsNull()) return ScalarType::null;
  // yaml-cpp tags a quoted or block scalar "!": a string whatever it reads like.
  return node.Tag() == "!" ? ScalarType::string : plain_type(node.Scalar());
}

void emit_scalar(YAML::Emitter& out, const YAML::Node& node) {
  const auto& text = node.Scalar();
  if (type_of(node) != ScalarType::string) {
    out << text;
  } else if (text.find('\n') != std::string::npos) {
    out << YAML::Literal << text;
  } else if (plain_type(text) != ScalarType::string) {
    out << YAML::DoubleQuoted << text;
  } else {
    out << text;
  }
}

void emit(YAML::Emitter& out, const YAML::Node& node) {
  if (node.IsMap()) {
    out << YAML::BeginMap;
    for (auto it = node.begin(); it != node.end(); ++it) {
      out << YAML::Key;
      emit_scalar(out, it->first);
      out << YAML::Value;
      emit(out, it->second);
    }
    out << YAML::EndMap;
  } else if (node.IsSequence()) {
    out << YAML::BeginSeq;
    for (const auto& item : node) emit(out, item);
    out << YAML::EndSeq;
  } else if (node.IsNull()) {
    out << YAML::Null;
  } else {
    emit_scalar(out, node);
  }
}

void write_json(rapidjson::PrettyWriter<rapidjson::StringBuffer>& out, const YAML::Node& node) {
  if (node.IsMap()) {
    out.StartObject();
    for (auto it = node.begin(); it != node.end(); ++it) {
      const auto& key = it->first.Scalar();
      out.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
      write_json(out, it->second);
    }
    out.EndObject();
    return;
  }
  if (node.IsSequence()) {
    out.StartArray();
    for (const auto& item : node) write_json(out, item);
    out.EndArray();
    return;
  }
  const auto& text = node.IsNull() ? std::string{} : node.Scalar();
  switch (type_of(node)) {
    case ScalarType::null:
      out.Null();
      break;
    case ScalarType::boolean:
      out.Bool(text[0] == 't' || text[0] == 'T');
      break;
    case ScalarType::number: {
      static const std::regex json_number{"-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?"};
      if (std::regex_match(text, json_number)) {
        out.RawValue(text.data(), text.size(), rapidjson::kNumberType);
      } else {
        // 0x1F, 0o17, +1, .5, .inf: JSON has no spelling for the last ones but a number.
        const auto value = text.starts_with("0o") ? std::strtoll(text.c_str() + 2, nullptr, 8)
                                                  : std::strtod(text.c_str(), nullptr);
        out.Double(static_cast<double>(value));
      }
      break;
    }
    case ScalarType::string:
      out.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
      break;
  }
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

YAML::Node bundle(std::string_view openapi_yaml, const Files& schemas) {
  auto document = YAML::Load(std::string(openapi_yaml));
  std::set<std::string> needed;
  std::deque<std::string> queue;
  auto need = [&](std::string name, const std::string& pointer) {
    auto ref = std::string(components_schemas) + name + pointer;
    if (needed.insert(name).second) queue.push_back(std::move(name));
    return ref;
  };

  walk_refs(document, [&](const std::string& ref) {
    if (!ref.starts_with(spec_schemas)) return ref;
    auto [name, pointer] = split_file_ref(std::string_view(ref).substr(spec_schemas.size()));
    return need(std::move(name), pointer);
  });

  auto components = document["components"]["schemas"];
  while (!queue.empty()) {
    const auto name = queue.front();
    queue.pop_front();
    const auto file = name + ".json";
    auto found = std::find_if(schemas.begin(), schemas.end(),
                              [&](const auto& entry) { return entry.first == file; });
    if (found == schemas.end()) {
      throw std::runtime_error("docs/openapi.yaml references " + file +
                               ", which is not in api/schemas");
    }
    if (std::as_const(components)[name]) {
      throw std::runtime_error("api/schemas/" + file + " and components/schemas/" + name +
                               " of docs/openapi.yaml share a name");
    }
    auto schema = YAML::Load(std::string(found->second));
    walk_refs(schema, [&](const std::string& ref) {
      if (ref.starts_with('#')) return std::string(components_schemas) + name + ref.substr(1);
      auto [other, pointer] = split_file_ref(ref);
      return need(std::move(other), pointer);
    });
    components[name] = schema;
  }
  return document;
}

std::vector<Text> texts(const YAML::Node& document) {
  std::vector<Text> found;
  walk_texts(YAML::Clone(document), "", false, [&](const std::string& pointer, YAML::Node text) {
    found.push_back({pointer, text.Scalar()});
  });
  return found;
}

Translations parse_translations(std::string_view yaml, std::string_view language) {
  const auto file = YAML::Load(std::string(yaml));
  Translations translations;
  if (!file.IsMap()) throw std::runtime_error("a translation file is a map of JSON pointers");
  for (auto it = file.begin(); it != file.end(); ++it) {
    const auto pointer = it->first.Scalar();
    const auto entry = it->second;
    const auto english = entry.IsMap() ? entry["en"] : YAML::Node{};
    const auto translated = entry.IsMap() ? entry[std::string(language)] : YAML::Node{};
    if (!english || !english.IsScalar() || !translated || !translated.IsScalar()) {
      throw std::runtime_error("translation " + pointer + " needs the texts en and " +
                               std::string(language));
    }
    translations.emplace(pointer, Translation{english.Scalar(), translated.Scalar()});
  }
  return translations;
}

TranslationReport check(const YAML::Node& document, const Translations& translations) {
  TranslationReport report;
  std::set<std::string> pointers;
  for (auto& text : texts(document)) {
    pointers.insert(text.pointer);
    const auto found = translations.find(text.pointer);
    if (found == translations.end()) {
      report.missing.push_back(std::move(text));
    } else if (trimmed(found->second.english) != trimmed(text.text)) {
      report.stale.push_back(text.pointer);
    }
  }
  for (const auto& [pointer, translation] : translations) {
    if (!pointers.contains(pointer)) report.orphaned.push_back(pointer);
  }
  return report;
}

YAML::Node localize(const YAML::Node& document, const Translations& translations) {
  auto localized = YAML::Clone(document);
  walk_texts(localized, "", false, [&](const std::string& pointer, YAML::Node text) {
    if (const auto found = translations.find(pointer); found != translations.end()) {
      text = found->second.translated;
    }
  });
  return localized;
}

std::string to_yaml(const YAML::Node& document) {
  YAML::Emitter out;
  out.SetIndent(2);
  emit(out, document);
  return std::string(out.c_str()) + "\n";
}

std::string to_json(const YAML::Node& document) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> out(buffer);
  out.SetIndent(' ', 2);
  write_json(out, document);
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

}  // namespace switchboard::api::docs
