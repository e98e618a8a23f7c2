// switchboard-docs: the developer portal's OpenAPI document, exactly as the server serves it at
// /developer/v1/docs/openapi.{yaml,json}, for a static portal, the lint (tests/e2e/CMakeLists.txt)
// and translators.
//
//   switchboard-docs --lang ru --format yaml      the document in Russian
//   switchboard-docs --untranslated               docs/openapi.yaml's texts without a Russian
//                                                 translation, as entries for
//                                                 docs/i18n/openapi.ru.yaml (ru left empty)

#include <boost/program_options.hpp>
#include <iostream>

#include "api/docs/documentation.hpp"
#include "api/http/json_schema.hpp"

namespace {

namespace docs = switchboard::api::docs;

int print_untranslated() {
  const auto report = docs::russian_translation_report(docs::embedded_docs(),
                                                       switchboard::api::http::embedded_schemas());
  YAML::Emitter out;
  out << YAML::BeginMap;
  for (const auto& text : report.missing) {
    out << YAML::Key << text.pointer << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "en" << YAML::Value;
    if (text.text.find('\n') != std::string::npos) out << YAML::Literal;
    out << text.text << YAML::Key << "ru" << YAML::Value << "" << YAML::EndMap;
  }
  out << YAML::EndMap;
  std::cout << out.c_str() << '\n';
  for (const auto& pointer : report.stale) std::cerr << "stale: " << pointer << '\n';
  for (const auto& pointer : report.orphaned) std::cerr << "orphaned: " << pointer << '\n';
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  namespace po = boost::program_options;
  std::string lang;
  std::string format;
  po::options_description options("switchboard-docs");
  options.add_options()("help,h", "this help")("lang", po::value(&lang)->default_value("ru"),
                                               "ru or en")(
      "format", po::value(&format)->default_value("yaml"), "yaml or json")(
      "untranslated", "print the texts docs/i18n/openapi.ru.yaml lacks");
  try {
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, options), vm);
    po::notify(vm);
    if (vm.contains("help")) {
      std::cout << options << '\n';
      return 0;
    }
    if (vm.contains("untranslated")) return print_untranslated();
    const auto language = docs::parse_language(lang);
    if (!language) throw std::runtime_error("--lang is ru or en");
    if (format != "yaml" && format != "json") throw std::runtime_error("--format is yaml or json");
    const docs::Documentation documentation{docs::embedded_docs(),
                                            switchboard::api::http::embedded_schemas()};
    std::cout << (format == "yaml" ? documentation.openapi_yaml(*language)
                                   : documentation.openapi_json(*language));
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "switchboard-docs: " << e.what() << '\n';
    return 2;
  }
}
