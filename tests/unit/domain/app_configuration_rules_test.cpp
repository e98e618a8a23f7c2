// Rules the developer and marketplace APIs rely on: the scope is a setting of an announced app
// version, and a configuration version in use is never deleted, with every use named.
#include <boost/test/unit_test.hpp>

#include "domain/provider_platform/app.hpp"

using namespace switchboard::domain;
using namespace switchboard::domain::provider_platform;

namespace {

App::State apply_all(App::State s, const Decision& d) {
  BOOST_REQUIRE(std::holds_alternative<std::vector<NewEvent>>(d));
  for (const auto& e : std::get<std::vector<NewEvent>>(d)) App::apply(s, e.type, e.data);
  return s;
}

Configuration configuration(std::int64_t version, std::string app_version) {
  Configuration c{version, std::move(app_version), {}, "token", false};
  for (auto name : kRequiredEndpoints) {
    c.endpoints[std::string(name)] = "https://provider.example/" + std::string(name);
  }
  return c;
}

App::State registered() {
  return apply_all({}, decide(App::State{}, RegisterApp{"app-1", "chatline", "dev-1", "1.0"}));
}

std::vector<std::string> messages(const Decision& d) {
  BOOST_REQUIRE(std::holds_alternative<Rejection>(d));
  std::vector<std::string> out;
  for (const auto& p : std::get<Rejection>(d).problems) out.push_back(p.message);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_scope_is_enabled_only_in_a_version_the_marketplace_announced) {
  const auto s = registered();
  const auto unknown = decide(s, EnableCommunicationsScope{"9.9"});
  BOOST_REQUIRE(std::holds_alternative<Rejection>(unknown));
  BOOST_CHECK(std::get<Rejection>(unknown).kind == Rejection::Kind::invalid);
  BOOST_CHECK_EQUAL(std::get<Rejection>(unknown).field, "/app_version");
  const auto enabled = apply_all(s, decide(s, EnableCommunicationsScope{"1.0"}));
  BOOST_CHECK_EQUAL(enabled.provider_code(), "chatline");
  BOOST_CHECK_EQUAL(enabled.scope_enabled_in, "1.0");
}

BOOST_AUTO_TEST_CASE(deleting_a_version_in_use_names_every_use) {
  auto s = apply_all(registered(), decide(registered(), EnableCommunicationsScope{"1.0"}));
  s = apply_all(s, decide(s, UploadConfiguration{configuration(1, "1.0")}));
  // 1 is active and app version 1.0 uses it; two tenants are still bound to it.
  const auto d = decide(s, DeleteConfiguration{1, {"acme", "globex"}});
  BOOST_CHECK(std::get<Rejection>(d).kind == Rejection::Kind::conflict);
  const auto why = messages(d);
  BOOST_REQUIRE_EQUAL(why.size(), 4u);
  BOOST_CHECK(why[0].find("active") != std::string::npos);
  BOOST_CHECK(why[1].find("app version 1.0") != std::string::npos);
  BOOST_CHECK(why[2].find("tenant acme") != std::string::npos);
  BOOST_CHECK(why[3].find("tenant globex") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_version_only_tenants_still_use_is_kept_until_they_move) {
  auto s = apply_all(registered(), decide(registered(), EnableCommunicationsScope{"1.0"}));
  s = apply_all(s, decide(s, UploadConfiguration{configuration(1, "1.0")}));
  // 2 replaces 1 for app version 1.0: no app version uses 1 any more, a tenant still may.
  s = apply_all(s, decide(s, UploadConfiguration{configuration(2, "1.0")}));
  BOOST_CHECK_EQUAL(messages(decide(s, DeleteConfiguration{1, {"acme"}})).size(), 1u);
  s = apply_all(s, decide(s, DeleteConfiguration{1, {}}));
  BOOST_CHECK(s.configurations.at(1).deleted);
  BOOST_CHECK(std::get<Rejection>(decide(s, DeleteConfiguration{1, {}})).kind ==
              Rejection::Kind::not_found);
}
