#include "tests/e2e/support/openapi_spec.hpp"

#include <cctype>
#include <fstream>
#include <functional>
#include <regex>
#include <stdexcept>

namespace switchboard::tests::e2e {
namespace {

std::string upper(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

// Calls `line` with each line below the top-level key `section` ("paths", "webhooks").
void for_each_line_of(const std::string& section,
                      const std::function<void(const std::string&)>& line) {
  std::ifstream in{SWITCHBOARD_OPENAPI};
  if (!in) throw std::runtime_error("cannot read " SWITCHBOARD_OPENAPI);
  bool inside = false;
  for (std::string text; std::getline(in, text);) {
    if (!text.empty() && text[0] != ' ' && text[0] != '#') {
      inside = text == section + ":";
      continue;
    }
    if (inside) line(text);
  }
}

const std::regex kOperation{R"(^    (get|post|put|patch|delete):\s*$)"};

}  // namespace

std::set<std::string> documented_routes() {
  static const std::regex path_line{R"(^  (/[^:\s]*):\s*$)"};
  static const std::regex parameter{R"(\{([A-Za-z0-9_]+)\})"};
  std::set<std::string> routes;
  std::string path;
  std::smatch m;
  for_each_line_of("paths", [&](const std::string& line) {
    if (std::regex_match(line, m, path_line)) {
      // "/things/{id}" -> "/things/:id"
      path = std::regex_replace(m[1].str(), parameter, ":$1");
    } else if (std::regex_match(line, m, kOperation) && !path.empty()) {
      routes.insert(upper(m[1]) + " " + path);
    }
  });
  return routes;
}

std::map<std::string, DocumentedWebhook> documented_webhooks() {
  static const std::regex name_line{R"(^  ([a-z_]+):\s*$)"};
  static const std::regex required_line{R"(^    x-switchboard-required:\s*(true|false)\s*$)"};
  static const std::regex operation_key{R"(^      ([A-Za-z]+):.*$)"};
  static const std::regex schema_ref{R"re(^\s+\$ref:\s*"\.\./api/schemas/([a-z_]+\.json)"\s*$)re"};
  std::map<std::string, DocumentedWebhook> webhooks;
  DocumentedWebhook* current = nullptr;
  bool in_body = false;
  std::smatch m;
  for_each_line_of("webhooks", [&](const std::string& line) {
    if (std::regex_match(line, m, name_line)) {
      current = &webhooks[m[1]];
      in_body = false;
    } else if (current == nullptr) {
      return;
    } else if (std::regex_match(line, m, required_line)) {
      current->required = m[1] == "true";
    } else if (std::regex_match(line, m, kOperation)) {
      current->method = upper(m[1]);
    } else if (std::regex_match(line, m, operation_key)) {
      in_body = m[1] == "requestBody";
    } else if (in_body && std::regex_match(line, m, schema_ref)) {
      current->body_schema = m[1];
    }
  });
  return webhooks;
}

}  // namespace switchboard::tests::e2e
