#include "api/http/json_schema.hpp"

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/pointer.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <set>
#include <stdexcept>
#include <vector>

#include "domain/json.hpp"

namespace switchboard::api::http {

struct SchemaRegistry::Compiled {
  // Kept for error messages: the validator reports where a schema failed, the wording needs the
  // keyword's value ("required": [...], "type": "string").
  rapidjson::Document source;
  std::unique_ptr<rapidjson::SchemaDocument> schema;
};

namespace {

std::string_view strip_json_suffix(std::string_view name) {
  if (name.ends_with(".json")) name.remove_suffix(5);
  return name;
}

std::string to_json(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer{buffer};
  value.Accept(writer);
  return {buffer.GetString(), buffer.GetSize()};
}

std::string pointer_text(const rapidjson::Pointer& pointer) {
  rapidjson::StringBuffer buffer;
  pointer.Stringify(buffer);
  return {buffer.GetString(), buffer.GetSize()};
}

// Resolves schema-to-schema $refs while the registry compiles. RapidJSON 1.1.0 passes the URI
// one character short (it hands over `i - 1` characters of "file.json#..."), so a name matches
// exactly or with its last character cut off.
class RemoteProvider : public rapidjson::IRemoteSchemaDocumentProvider {
 public:
  using Compile = std::function<const rapidjson::SchemaDocument*(std::string_view name)>;
  RemoteProvider(std::vector<std::string> file_names, Compile compile)
      : file_names_{std::move(file_names)}, compile_{std::move(compile)} {}

  const rapidjson::SchemaDocument* GetRemoteDocument(const char* uri,
                                                     rapidjson::SizeType length) override {
    std::string_view wanted{uri, length};
    if (wanted.starts_with("./")) wanted.remove_prefix(2);
    for (const auto& file : file_names_) {
      const std::string_view f{file};
      if (f == wanted || (f.size() == wanted.size() + 1 && f.starts_with(wanted))) {
        if (const auto* doc = compile_(strip_json_suffix(f))) return doc;
        break;
      }
    }
    unresolved_.emplace_back(wanted);
    return nullptr;
  }

  const std::vector<std::string>& unresolved() const { return unresolved_; }

 private:
  std::vector<std::string> file_names_;
  Compile compile_;
  std::vector<std::string> unresolved_;
};

std::optional<Response> check_depth(std::string_view body) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_json_depth) {
        return problem(
            400, "malformed JSON",
            fmt::format("nesting deeper than {} levels at offset {}", max_json_depth, i));
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

std::string type_message(const rapidjson::Value& type) {
  if (type.IsString()) return fmt::format("must be of type {}", type.GetString());
  if (type.IsArray()) {
    std::string names;
    for (const auto& t : type.GetArray()) {
      if (!t.IsString()) continue;
      if (!names.empty()) names += ", ";
      names += t.GetString();
    }
    return fmt::format("must be one of the types: {}", names);
  }
  return "has the wrong type";
}

std::string keyword_message(std::string_view keyword, const rapidjson::Value* schema) {
  const rapidjson::Value* value = nullptr;
  if (schema != nullptr && schema->IsObject()) {
    const auto it = schema->FindMember(rapidjson::Value{
        rapidjson::StringRef(keyword.data(), static_cast<rapidjson::SizeType>(keyword.size()))});
    if (it != schema->MemberEnd()) value = &it->value;
  }
  const auto shown = [&] { return value != nullptr ? to_json(*value) : std::string{"?"}; };
  const auto flag = [&](const char* name) {
    if (schema == nullptr || !schema->IsObject()) return false;
    const auto it = schema->FindMember(name);
    return it != schema->MemberEnd() && it->value.IsBool() && it->value.GetBool();
  };
  if (keyword == "type") return value != nullptr ? type_message(*value) : "has the wrong type";
  if (keyword == "enum") return "must be one of " + shown();
  if (keyword == "minLength") return "must be at least " + shown() + " characters long";
  if (keyword == "maxLength") return "must be at most " + shown() + " characters long";
  if (keyword == "pattern") return "must match the pattern " + shown();
  if (keyword == "minimum") {
    return (flag("exclusiveMinimum") ? "must be greater than " : "must be at least ") + shown();
  }
  if (keyword == "maximum") {
    return (flag("exclusiveMaximum") ? "must be less than " : "must be at most ") + shown();
  }
  if (keyword == "multipleOf") return "must be a multiple of " + shown();
  if (keyword == "minItems") return "must have at least " + shown() + " items";
  if (keyword == "maxItems") return "must have at most " + shown() + " items";
  if (keyword == "uniqueItems") return "must not contain duplicate items";
  if (keyword == "minProperties") return "must have at least " + shown() + " properties";
  if (keyword == "maxProperties") return "must have at most " + shown() + " properties";
  // RapidJSON points at the unexpected member itself.
  if (keyword == "additionalProperties") return "is not allowed";
  if (keyword == "additionalItems") return "has more items than allowed";
  if (keyword == "anyOf" || keyword == "oneOf") return "does not match any allowed form";
  if (keyword == "allOf") return "does not match every required form";
  if (keyword == "not") return "matches a form that is not allowed";
  return fmt::format("fails the '{}' constraint", keyword);
}

// "file.json#/pointer" -> ("file", "/pointer"); "#/pointer" -> ("", "/pointer").
std::pair<std::string_view, std::string_view> split_ref(std::string_view ref) {
  const auto hash = ref.find('#');
  const auto file = ref.substr(0, hash);
  return {strip_json_suffix(file), hash == std::string_view::npos ? "" : ref.substr(hash + 1)};
}

// RapidJSON reports a failed "required" at the object; the names of the missing members come
// from the schema.
std::vector<FieldError> missing_members(const rapidjson::Value& schema,
                                        const rapidjson::Value& instance, const std::string& at) {
  std::vector<FieldError> errors;
  if (!instance.IsObject() || !schema.IsObject()) return errors;
  const auto required = schema.FindMember("required");
  if (required == schema.MemberEnd() || !required->value.IsArray()) return errors;
  for (const auto& name : required->value.GetArray()) {
    if (name.IsString() && !instance.HasMember(name)) {
      errors.push_back({domain::child_pointer(at, name.GetString()), "is required"});
    }
  }
  return errors;
}

}  // namespace

SchemaRegistry::SchemaRegistry(const SchemaFiles& schemas) {
  std::vector<std::string> file_names;
  for (const auto& [file, text] : schemas) {
    auto compiled = std::make_unique<Compiled>();
    compiled->source.Parse(text.data(), text.size());
    if (compiled->source.HasParseError()) {
      throw std::runtime_error(
          fmt::format("schema {}: {} at offset {}", file,
                      rapidjson::GetParseError_En(compiled->source.GetParseError()),
                      compiled->source.GetErrorOffset()));
    }
    file_names.push_back(std::string{strip_json_suffix(file)} + ".json");
    schemas_.emplace(std::string{strip_json_suffix(file)}, std::move(compiled));
  }

  std::set<std::string, std::less<>> in_progress;
  std::function<const rapidjson::SchemaDocument*(std::string_view)> compile;
  RemoteProvider provider{file_names, [&compile](std::string_view name) { return compile(name); }};
  compile = [&](std::string_view name) -> const rapidjson::SchemaDocument* {
    auto& compiled = *schemas_.find(name)->second;
    if (compiled.schema) return compiled.schema.get();
    // A cycle of files referring to each other: RapidJSON would recurse forever.
    if (!in_progress.emplace(name).second) return nullptr;
    compiled.schema = std::make_unique<rapidjson::SchemaDocument>(compiled.source, &provider);
    in_progress.erase(in_progress.find(name));
    return compiled.schema.get();
  };
  for (const auto& [file, text] : schemas) {
    compile(strip_json_suffix(file));
    if (!provider.unresolved().empty()) {
      throw std::runtime_error(
          fmt::format("schema {}: cannot resolve $ref '{}'", file, provider.unresolved().front()));
    }
  }
}

SchemaRegistry::~SchemaRegistry() = default;

bool SchemaRegistry::contains(std::string_view name) const {
  return schemas_.find(strip_json_suffix(name)) != schemas_.end();
}

std::optional<Response> SchemaRegistry::validate(std::string_view schema_name,
                                                 std::string_view body) const {
  const auto it = schemas_.find(strip_json_suffix(schema_name));
  if (it == schemas_.end()) {
    return problem(500, "internal error", fmt::format("unknown body schema '{}'", schema_name));
  }
  if (auto too_deep = check_depth(body)) return too_deep;

  rapidjson::Document document;
  document.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(
      body.data(), body.size());
  if (document.HasParseError()) {
    const auto message = rapidjson::GetParseError_En(document.GetParseError());
    // The empty JSON pointer is the whole body: what a client must fix.
    return problem(400, "malformed JSON",
                   fmt::format("{} (at offset {})", message, document.GetErrorOffset()),
                   {{"", "not JSON: " + std::string{message}}});
  }

  const Compiled& compiled = *it->second;
  rapidjson::SchemaValidator validator{*compiled.schema};
  if (document.Accept(validator)) return std::nullopt;

  const std::string keyword = validator.GetInvalidSchemaKeyword();
  const std::string at = pointer_text(validator.GetInvalidDocumentPointer());
  const rapidjson::Value* schema = validator.GetInvalidSchemaPointer().Get(compiled.source);
  const rapidjson::Value* instance = validator.GetInvalidDocumentPointer().Get(document);

  std::vector<FieldError> errors;
  if (keyword == "required" && instance != nullptr) {
    if (const auto* applies = schema_for(compiled, validator.GetInvalidDocumentPointer())) {
      errors = missing_members(*applies, *instance, at);
    }
  }
  if (errors.empty()) errors.push_back({at, keyword_message(keyword, schema)});

  std::string detail = "the body does not match the schema:";
  for (const auto& e : errors) {
    detail += fmt::format(" {} {};", e.field.empty() ? "the body" : e.field, e.message);
  }
  detail.pop_back();
  return problem(400, "invalid request body", std::move(detail), std::move(errors));
}

const rapidjson::Value* SchemaRegistry::schema_for(const Compiled& compiled,
                                                   const rapidjson::Pointer& instance) const {
  // RapidJSON names the failing schema by a pointer that loses the file once a "$ref" led to
  // another one, so the schema is found again by walking the instance's path from the root:
  // "$ref", then "properties" for a member or "items" for an element.
  const Compiled* file = &compiled;
  const rapidjson::Value* schema = &compiled.source;
  const auto resolve = [&] {
    for (int hops = 0; schema != nullptr && schema->IsObject() && hops < 16; ++hops) {
      const auto ref = schema->FindMember("$ref");
      if (ref == schema->MemberEnd() || !ref->value.IsString()) return;
      const auto [name, target] = split_ref(ref->value.GetString());
      if (!name.empty()) {
        const auto it = schemas_.find(name);
        if (it == schemas_.end()) return void(schema = nullptr);
        file = it->second.get();
      }
      schema = rapidjson::Pointer(target.data(), target.size()).Get(file->source);
    }
  };
  resolve();
  for (std::size_t i = 0; schema != nullptr && i < instance.GetTokenCount(); ++i) {
    const auto& token = instance.GetTokens()[i];
    const bool element = token.index != rapidjson::kPointerInvalidIndex;
    const auto child = schema->FindMember(element ? "items" : "properties");
    if (child == schema->MemberEnd()) return nullptr;
    if (element) {
      schema = &child->value;
    } else {
      const auto member =
          child->value.FindMember(rapidjson::Value(rapidjson::StringRef(token.name, token.length)));
      schema = member == child->value.MemberEnd() ? nullptr : &member->value;
    }
    resolve();
  }
  return schema;
}

const SchemaRegistry& builtin_schemas() {
  static const SchemaRegistry registry{embedded_schemas()};
  return registry;
}

std::optional<Response> validate_body(std::string_view schema_name, std::string_view body) {
  return builtin_schemas().validate(schema_name, body);
}

std::optional<Response> check_json_content_type(std::optional<std::string_view> content_type) {
  if (content_type) {
    std::string_view media = content_type->substr(0, content_type->find(';'));
    while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.remove_suffix(1);
    while (!media.empty() && (media.front() == ' ' || media.front() == '\t'))
      media.remove_prefix(1);
    const bool json = iequals(media, "application/json") ||
                      (media.size() > 17 && iequals(media.substr(0, 12), "application/") &&
                       iequals(media.substr(media.size() - 5), "+json"));
    if (json) return std::nullopt;
  }
  return problem(415, "unsupported media type",
                 fmt::format("the body must be JSON (Content-Type: application/json), got '{}'",
                             content_type.value_or("")),
                 {{"Content-Type", "must be application/json"}});
}

}  // namespace switchboard::api::http
