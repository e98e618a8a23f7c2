#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "api/routes/operations/operations.hpp"

namespace switchboard::api::routes::operations {

http::Handler readyz(ReadinessChecks checks) {
  return [checks = std::move(checks)](const http::Request&) {
    std::vector<http::FieldError> failures;
    for (const auto& c : checks) {
      std::optional<std::string> error;
      try {
        error = c.check();
      } catch (const std::exception& e) {
        error = e.what();
      }
      if (error) failures.push_back({c.name, std::move(*error)});
    }

    if (!failures.empty()) {
      std::string names;
      for (const auto& f : failures) names += (names.empty() ? "" : ", ") + f.field;
      return http::problem(503, "not ready", "failing checks: " + names, std::move(failures));
    }

    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w{buffer};
    w.StartObject();
    w.Key("status");
    w.String("ok");
    w.Key("checks");
    w.StartObject();
    for (const auto& c : checks) {
      w.Key(c.name.c_str());
      w.String("ok");
    }
    w.EndObject();
    w.EndObject();
    return http::json(200, std::string{buffer.GetString(), buffer.GetSize()});
  };
}

}  // namespace switchboard::api::routes::operations
