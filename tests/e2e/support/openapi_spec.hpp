#pragma once

// What docs/openapi.yaml documents, read line by line in the document's own layout (keys at
// fixed indents) rather than with a YAML parser: the tests that hold the spec to the code.

#include <map>
#include <set>
#include <string>

namespace switchboard::tests::e2e {

// "GET /things/:id" for every operation under `paths`, in the router's spelling.
std::set<std::string> documented_routes();

// One entry of `webhooks`: a provider endpoint Switchboard calls.
struct DocumentedWebhook {
  bool required = false;    // x-switchboard-required
  std::string method;       // "GET", "POST", "DELETE"; "" when it has no operation (never called)
  std::string body_schema;  // the requestBody's api/schemas file ("webhook_x.json"); "" for none
};

// By endpoint name (a configuration's `endpoints` key). Both throw when the file cannot be read.
std::map<std::string, DocumentedWebhook> documented_webhooks();

}  // namespace switchboard::tests::e2e
