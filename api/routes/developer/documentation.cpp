// The developer portal's documentation (seed 000: "publish the public API's documentation for
// providers on the developer portal", "it must support SberCRM's localisation"). No credentials:
// a provider reads it before it has an app, let alone a developer token, and portals fetch and
// cache it; it holds nothing a tenant or provider owns.

#include "api/docs/documentation.hpp"

#include <variant>

#include "api/http/json_schema.hpp"
#include "api/routes/developer/developer.hpp"
#include "domain/json.hpp"
#include "eventstore/digest.hpp"

namespace switchboard::api::routes::developer {
namespace {

constexpr std::string_view guides_path = "/developer/v1/docs/guides";

// One body as served: its tag is its digest, so every node of a release gives the same one. The tag
// is weak: the server gzips the body after the route for clients that accept it, and a strong tag
// would have to differ between the two codings (RFC 9110, 8.8.1); a weak one names what both say.
struct Representation {
  std::string body;
  std::string content_type;
  std::string etag;

  Representation(std::string body_text, std::string type)
      : body(std::move(body_text)),
        content_type(std::move(type)),
        etag("W/\"" + eventstore::sha256_hex(body).substr(0, 32) + '"') {}
};

using ByLanguage = std::map<docs::Language, Representation>;

// A bad `lang` is the caller's mistake (a portal's link), so it is refused rather than guessed;
// Accept-Language is only a preference, so one naming nothing we have falls back to the default.
std::variant<docs::Language, http::Response> chosen_language(const http::Request& request) {
  if (const auto lang = request.query_param("lang")) {
    if (const auto language = docs::parse_language(*lang)) return *language;
    return http::problem(400, "unsupported language", "lang is ru or en",
                         {{"lang", "must be ru or en"}});
  }
  if (const auto header = request.header("Accept-Language")) {
    if (const auto language = docs::preferred_language(*header)) return *language;
  }
  return docs::default_language;
}

http::Response serve(const http::Request& request, const Representation& representation) {
  http::Response response;
  if (http::not_modified(request, representation.etag)) {
    response.status = 304;
  } else {
    response.content_type = representation.content_type;
    response.body = representation.body;
  }
  // A release changes the documents; five minutes of staleness is harmless, and a revalidation
  // with the tag costs a 304.
  response.headers.emplace_back("Cache-Control", "public, max-age=300");
  response.headers.emplace_back("ETag", representation.etag);
  return response;
}

// The representation in the language the request chose; Content-Language says which.
http::Response serve_negotiated(const http::Request& request, const ByLanguage& representations) {
  auto language = chosen_language(request);
  if (auto* refusal = std::get_if<http::Response>(&language)) return std::move(*refusal);
  const auto chosen = std::get<docs::Language>(language);
  auto response = serve(request, representations.at(chosen));
  response.headers.emplace_back("Content-Language", std::string(docs::code(chosen)));
  response.headers.emplace_back("Vary", "Accept-Language");
  return response;
}

std::string guide_file(const std::string& name, docs::Language language) {
  return name + '.' + std::string(docs::code(language)) + ".md";
}

std::string guide_index(const docs::Documentation& documentation) {
  return domain::json_object([&](domain::JsonWriter& w) {
    w.Key("guides");
    w.StartArray();
    for (const auto& [name, translations] : documentation.guides()) {
      w.StartObject();
      domain::put(w, "name", name);
      domain::put(w, "url", std::string(guides_path) + '/' + name);
      w.Key("languages");
      w.StartObject();
      for (const auto& [language, guide] : translations) {
        w.Key(std::string(docs::code(language)).c_str());
        w.StartObject();
        domain::put(w, "title", guide.title);
        domain::put(w, "url", std::string(guides_path) + '/' + guide_file(name, language));
        w.EndObject();
      }
      w.EndObject();
      w.EndObject();
    }
    w.EndArray();
  });
}

// Every document as served, in every language.
struct Rendered {
  ByLanguage yaml;
  ByLanguage json;
  // By name ("messaging": negotiated) and by file name ("messaging.ru.md": the guides' own links
  // between each other).
  std::map<std::string, ByLanguage> guides;
  std::map<std::string, Representation> guide_files;
  Representation index;

  explicit Rendered(const docs::Documentation& documentation)
      : index(guide_index(documentation), "application/json; charset=utf-8") {
    for (const auto language : docs::languages) {
      yaml.emplace(language, Representation{documentation.openapi_yaml(language),
                                            "application/yaml; charset=utf-8"});
      json.emplace(language, Representation{documentation.openapi_json(language),
                                            "application/json; charset=utf-8"});
    }
    for (const auto& [name, translations] : documentation.guides()) {
      for (const auto& [language, guide] : translations) {
        const Representation markdown{guide.markdown, "text/markdown; charset=utf-8"};
        guides[name].emplace(language, markdown);
        guide_files.emplace(guide_file(name, language), markdown);
      }
    }
  }
};

// Rendered on the first request rather than at start-up, which it slowed by about a third of a
// second (docs/benchmarks.md) for documents most servers are never asked for. A static local:
// concurrent first requests wait for one rendering, and one that throws is tried again by the
// next request. The embedded files are the binary's own, so every node renders the same bytes.
const Rendered& rendered() {
  static const Rendered documents{
      docs::Documentation{docs::embedded_docs(), http::embedded_schemas()}};
  return documents;
}

}  // namespace

void register_documentation(http::Router& router) {
  using http::Method;
  router.add(Method::get, "/developer/v1/docs/openapi.yaml", [](const http::Request& request) {
    return serve_negotiated(request, rendered().yaml);
  });
  router.add(Method::get, "/developer/v1/docs/openapi.json", [](const http::Request& request) {
    return serve_negotiated(request, rendered().json);
  });
  router.add(Method::get, std::string(guides_path),
             [](const http::Request& request) { return serve(request, rendered().index); });
  router.add(Method::get, std::string(guides_path) + "/:name", [](const http::Request& request) {
    const auto& documents = rendered();
    const auto& name = request.params.at("name");
    if (const auto file = documents.guide_files.find(name); file != documents.guide_files.end()) {
      return serve(request, file->second);
    }
    if (const auto guide = documents.guides.find(name); guide != documents.guides.end()) {
      return serve_negotiated(request, guide->second);
    }
    return http::problem(404, "not found", "no guide " + name, {{"name", "no such guide"}});
  });
}

}  // namespace switchboard::api::routes::developer
