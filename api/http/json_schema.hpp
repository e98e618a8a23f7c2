#pragma once

// JSON Schema (draft-04, as RapidJSON implements it) validation of request bodies. Every schema
// lives in api/schemas/*.json; CMake embeds that folder into the binary, so the server and
// docs/openapi.yaml read the same files.

#include <rapidjson/pointer.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/http/types.hpp"

namespace switchboard::api::http {

// (file name, text) of every api/schemas/*.json, sorted by name. Defined in the source file CMake
// generates (cmake/embed_files.cmake).
using SchemaFiles = std::vector<std::pair<std::string_view, std::string_view>>;
const SchemaFiles& embedded_schemas();

// Bodies nested deeper than this are refused before parsing: RapidJSON's DOM recurses.
inline constexpr std::size_t max_json_depth = 64;

class SchemaRegistry {
 public:
  // Schemas are named by file name with or without ".json" ("problem", "problem.json") and may
  // refer to each other by file name: {"$ref": "common.json#/definitions/id"}.
  // Throws std::runtime_error naming the schema when one is not valid JSON or a $ref cannot be
  // resolved: schemas are part of the build, so that is a programming error.
  explicit SchemaRegistry(const SchemaFiles& schemas);
  ~SchemaRegistry();
  SchemaRegistry(const SchemaRegistry&) = delete;
  SchemaRegistry& operator=(const SchemaRegistry&) = delete;

  bool contains(std::string_view name) const;

  // nullopt when `body` is valid JSON matching the schema; otherwise a 400 problem naming the
  // failing fields as JSON pointers ("/chat/id"), or "malformed JSON" with the byte offset.
  // An unknown schema name yields a 500 problem (the route table is wrong, not the client).
  std::optional<Response> validate(std::string_view schema_name, std::string_view body) const;

 private:
  struct Compiled;
  // The schema that applies at `instance` (a path into a body), or null when it cannot tell.
  const rapidjson::Value* schema_for(const Compiled& compiled,
                                     const rapidjson::Pointer& instance) const;
  std::map<std::string, std::unique_ptr<Compiled>, std::less<>> schemas_;
};

// The registry over embedded_schemas(), built on first use.
const SchemaRegistry& builtin_schemas();

// builtin_schemas().validate(schema_name, body).
std::optional<Response> validate_body(std::string_view schema_name, std::string_view body);

// nullopt when the Content-Type names JSON ("application/json", "application/*+json", with any
// parameters); otherwise a 415 problem.
std::optional<Response> check_json_content_type(std::optional<std::string_view> content_type);

}  // namespace switchboard::api::http
