// docs/openapi.yaml and the server's route table must list the same (method, path) pairs.

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "tests/e2e/support/server_process.hpp"

namespace e2e = switchboard::tests::e2e;

namespace {

// "/things/{id}" -> "/things/:id", the router's spelling.
std::string express_path(const std::string& openapi_path) {
  static const std::regex parameter{R"(\{([A-Za-z0-9_]+)\})"};
  return std::regex_replace(openapi_path, parameter, ":$1");
}

// Reads only what matters here: two-space-indented path keys under `paths:` and four-space
// indented operation keys below them.
std::set<std::string> documented_routes() {
  std::ifstream in{SWITCHBOARD_OPENAPI};
  BOOST_REQUIRE_MESSAGE(in, "cannot read " << SWITCHBOARD_OPENAPI);
  static const std::regex path_line{R"(^  (/[^:\s]*):\s*$)"};
  static const std::regex method_line{R"(^    (get|post|put|patch|delete):\s*$)"};
  std::set<std::string> routes;
  std::string line;
  std::string path;
  bool in_paths = false;
  std::smatch m;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != ' ' && line[0] != '#') {
      in_paths = line.starts_with("paths:");
      continue;
    }
    if (!in_paths) continue;
    if (std::regex_match(line, m, path_line)) {
      path = express_path(m[1]);
    } else if (std::regex_match(line, m, method_line) && !path.empty()) {
      std::string method = m[1];
      for (auto& c : method) c = static_cast<char>(std::toupper(c));
      routes.insert(method + " " + path);
    }
  }
  return routes;
}

std::set<std::string> served_routes() {
  const auto r = e2e::run_switchboard({"--print-routes"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  std::set<std::string> routes;
  std::istringstream lines{r.out};
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty()) routes.insert(line);
  }
  return routes;
}

}  // namespace

BOOST_AUTO_TEST_CASE(openapi_documents_exactly_the_served_routes) {
  const auto documented = documented_routes();
  const auto served = served_routes();
  BOOST_TEST(!served.empty());
  for (const auto& route : served) {
    BOOST_TEST(documented.contains(route), route << " is served but not in docs/openapi.yaml");
  }
  for (const auto& route : documented) {
    BOOST_TEST(served.contains(route), route << " is in docs/openapi.yaml but not served");
  }
}
