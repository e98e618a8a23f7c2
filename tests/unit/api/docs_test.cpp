// The developer portal's documentation (api/docs): bundling, localisation, rendering, language
// negotiation, and the Russian translation of the real docs/openapi.yaml being complete.

#include <rapidjson/document.h>

#include <boost/test/unit_test.hpp>

#include "api/docs/documentation.hpp"
#include "api/http/json_schema.hpp"

namespace docs = switchboard::api::docs;

namespace {

constexpr std::string_view spec = R"(openapi: 3.1.0
info:
  title: Demo
  description: |
    Two lines
    of prose.
paths:
  /things:
    get:
      summary: List things
      parameters:
        - name: limit
          in: query
          description: At most this many.
          schema: {type: integer, default: 50}
      responses:
        '200':
          description: The things.
          content:
            application/json:
              schema:
                $ref: "../api/schemas/thing.json#/definitions/list"
              example:
                description: not prose
components:
  schemas:
    Other:
      type: object
      properties:
        description:
          type: string
          description: A property called description.
        code:
          type: string
          enum: ["404", "true"]
          examples: ["example"]
)";

const docs::Files schemas = {
    {"thing.json",
     R"({"definitions": {"list": {"type": "array", "items": {"$ref": "#/definitions/item"}},
         "item": {"$ref": "common.json#/definitions/id", "description": "A thing."}}})"},
    {"common.json", R"({"definitions": {"id": {"type": "string", "title": "An id"}}})"},
    {"unused.json", R"({"type": "object"})"}};

std::vector<std::string> pointers(const std::vector<docs::Text>& texts) {
  std::vector<std::string> out;
  for (const auto& text : texts) out.push_back(text.pointer);
  return out;
}

rapidjson::Document parse_json(const std::string& text) {
  rapidjson::Document document;
  document.Parse(text.c_str());
  BOOST_TEST_REQUIRE(!document.HasParseError());
  return document;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(docs_openapi)

BOOST_AUTO_TEST_CASE(bundle_copies_the_referenced_schemas_into_components_and_points_at_them) {
  const auto document = docs::bundle(spec, schemas);
  const auto json = parse_json(docs::to_json(document));
  BOOST_TEST(json["paths"]["/things"]["get"]["responses"]["200"]["content"]["application/json"]
                 ["schema"]["$ref"]
                     .GetString() == std::string("#/components/schemas/thing/definitions/list"));
  const auto& components = json["components"]["schemas"];
  BOOST_TEST(components["thing"]["definitions"]["list"]["items"]["$ref"].GetString() ==
             std::string("#/components/schemas/thing/definitions/item"));
  BOOST_TEST(components["thing"]["definitions"]["item"]["$ref"].GetString() ==
             std::string("#/components/schemas/common/definitions/id"));
  BOOST_TEST(components.HasMember("common"));
  BOOST_TEST(!components.HasMember("unused"));
}

BOOST_AUTO_TEST_CASE(bundle_refuses_a_schema_that_is_not_there) {
  BOOST_CHECK_THROW(docs::bundle(spec, {schemas[0]}), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(texts_are_the_prose_and_never_example_data_or_names) {
  const auto found = pointers(docs::texts(docs::bundle(spec, schemas)));
  const std::vector<std::string> expected = {
      "/info/title",
      "/info/description",
      "/paths/~1things/get/summary",
      "/paths/~1things/get/parameters/0/description",
      "/paths/~1things/get/responses/200/description",
      "/components/schemas/Other/properties/description/description",
      "/components/schemas/thing/definitions/item/description",
      "/components/schemas/common/definitions/id/title"};
  BOOST_TEST(found == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(localize_replaces_translated_texts_and_keeps_the_rest) {
  const auto english = docs::bundle(spec, schemas);
  const docs::Translations russian = {
      {"/paths/~1things/get/summary", {"List things", "Список вещей"}},
      {"/info/description", {"Two lines\nof prose.\n", "Две строки\nтекста.\n"}}};
  const auto json = parse_json(docs::to_json(docs::localize(english, russian)));
  BOOST_TEST(json["paths"]["/things"]["get"]["summary"].GetString() == std::string("Список вещей"));
  BOOST_TEST(json["info"]["description"].GetString() == std::string("Две строки\nтекста.\n"));
  BOOST_TEST(json["info"]["title"].GetString() == std::string("Demo"));
  // The English document is untouched.
  BOOST_TEST(parse_json(docs::to_json(english))["paths"]["/things"]["get"]["summary"].GetString() ==
             std::string("List things"));
}

BOOST_AUTO_TEST_CASE(check_reports_missing_stale_and_orphaned_translations) {
  const auto english = docs::bundle(spec, schemas);
  docs::Translations russian;
  for (const auto& text : docs::texts(english)) russian[text.pointer] = {text.text, "перевод"};
  BOOST_TEST(docs::check(english, russian).complete());

  russian.erase("/info/title");
  russian["/paths/~1things/get/summary"].english = "List all things";
  russian["/paths/~1gone/get/summary"] = {"Gone", "Нет"};
  const auto report = docs::check(english, russian);
  BOOST_TEST_REQUIRE(report.missing.size() == 1u);
  BOOST_TEST(report.missing[0].pointer == "/info/title");
  BOOST_TEST(report.stale == std::vector<std::string>{"/paths/~1things/get/summary"},
             boost::test_tools::per_element());
  BOOST_TEST(report.orphaned == std::vector<std::string>{"/paths/~1gone/get/summary"},
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(parse_translations_refuses_an_entry_without_both_texts) {
  BOOST_CHECK_THROW(docs::parse_translations("/info/title:\n  en: Demo\n", "ru"),
                    std::runtime_error);
  const auto parsed = docs::parse_translations("/info/title:\n  en: Demo\n  ru: Демо\n", "ru");
  BOOST_TEST(parsed.at("/info/title").translated == "Демо");
}

BOOST_AUTO_TEST_CASE(rendering_keeps_types_and_the_yaml_reads_back_the_same) {
  const auto document = docs::bundle(spec, schemas);
  const auto json = parse_json(docs::to_json(document));
  const auto& parameter = json["paths"]["/things"]["get"]["parameters"][0];
  BOOST_TEST(parameter["schema"]["default"].IsInt());
  BOOST_TEST(json["openapi"].GetString() == std::string("3.1.0"));
  // Quoted in the source, so strings, though they read like a number and a boolean.
  const auto& codes = json["components"]["schemas"]["Other"]["properties"]["code"]["enum"];
  BOOST_TEST(codes[0].IsString());
  BOOST_TEST(codes[1].IsString());
  BOOST_TEST(json["paths"]["/things"]["get"]["responses"].HasMember("200"));

  const auto reread = YAML::Load(docs::to_yaml(document));
  BOOST_TEST(docs::to_json(reread) == docs::to_json(document));
}

BOOST_AUTO_TEST_CASE(the_russian_translation_covers_every_text_of_the_spec_and_nothing_else) {
  const auto report = docs::russian_translation_report(docs::embedded_docs(),
                                                       switchboard::api::http::embedded_schemas());
  for (const auto& text : report.missing) {
    BOOST_ERROR("docs/i18n/openapi.ru.yaml has no translation of "
                << text.pointer << " (switchboard-docs --untranslated lists them): " << text.text);
  }
  for (const auto& pointer : report.stale) {
    BOOST_ERROR("docs/openapi.yaml's text at "
                << pointer << " changed since it was translated: update en and ru");
  }
  for (const auto& pointer : report.orphaned) {
    BOOST_ERROR("docs/i18n/openapi.ru.yaml translates "
                << pointer << ", which is no text of docs/openapi.yaml");
  }
  BOOST_TEST(report.complete());
}

BOOST_AUTO_TEST_CASE(the_served_documents_build_from_the_embedded_files) {
  const docs::Documentation documentation{docs::embedded_docs(),
                                          switchboard::api::http::embedded_schemas()};
  for (const auto language : docs::languages) {
    const auto json = parse_json(documentation.openapi_json(language));
    BOOST_TEST(json["openapi"].GetString() == std::string("3.1.0"));
  }
  BOOST_TEST(documentation.guides().contains("provider-integration"));
  BOOST_TEST(documentation.guides().contains("messaging"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(docs_language)

BOOST_AUTO_TEST_CASE(parse_language_knows_ru_and_en_only) {
  BOOST_TEST((docs::parse_language("RU") == docs::Language::ru));
  BOOST_TEST((docs::parse_language("en") == docs::Language::en));
  BOOST_TEST(!docs::parse_language("de"));
  BOOST_TEST(!docs::parse_language("en-US"));
  BOOST_TEST(!docs::parse_language(""));
}

BOOST_AUTO_TEST_CASE(accept_language_picks_the_highest_weighted_supported_language) {
  using docs::Language;
  BOOST_TEST((docs::preferred_language("en-US,en;q=0.9") == Language::en));
  BOOST_TEST((docs::preferred_language("de-DE, ru;q=0.3, en;q=0.7") == Language::en));
  BOOST_TEST((docs::preferred_language("en;q=0.5, ru") == Language::ru));
  BOOST_TEST((docs::preferred_language("en, ru") == Language::en));
  BOOST_TEST((docs::preferred_language("de, *;q=0.1") == docs::default_language));
  BOOST_TEST((docs::preferred_language("en;q=0, ru;q=0.001") == Language::ru));
  BOOST_TEST(!docs::preferred_language("en;q=0"));
  BOOST_TEST(!docs::preferred_language("de, fr"));
  BOOST_TEST(!docs::preferred_language("en;q=2"));
  BOOST_TEST(!docs::preferred_language(""));
}

BOOST_AUTO_TEST_SUITE_END()
