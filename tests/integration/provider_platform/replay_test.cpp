// The provider platform's read models are exactly what the log produces: the whole lifecycle is
// driven through PlatformCommands, the projections catch up, then each is verified against a
// replay and rebuilt from the first event, and the rebuilt tables equal the live ones row for row.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <map>
#include <pqxx/pqxx>

#include "projections/rebuild.hpp"
#include "projections/registry.hpp"
#include "projections/runner.hpp"
#include "tests/support/platform_setup.hpp"
#include "tests/support/projection_contents.hpp"
#include "tests/support/test_database.hpp"

using namespace switchboard;
using namespace std::chrono_literals;
namespace pp = domain::provider_platform;

namespace {

// Apps, versions, configurations, publication; sandbox and production tenants installing,
// upgrading, removing and reinstalling.
void lifecycle(tests::PlatformSetup& setup) {
  setup.provider("app-chat", "chat", "dev-1", "1.0");
  setup.configuration("app-chat", 1, "1.0");
  setup.tenant("stand-1", "app-chat", pp::InstallApp{"app-chat", "1.0", true});
  setup.version("app-chat", "2.0");
  setup.configuration("app-chat", 2, "2.0");
  setup.tenant("stand-1", "app-chat", pp::UpgradeApp{"app-chat", "2.0"});
  setup.publish("app-chat");
  setup.tenant("acme", "app-chat", pp::InstallApp{"app-chat", "1.0", false});
  setup.tenant("globex", "app-chat", pp::InstallApp{"app-chat", "2.0", false});
  setup.version("app-chat", "3.0");
  setup.configuration("app-chat", 3, "3.0");
  setup.tenant("acme", "app-chat", pp::UpgradeApp{"app-chat", "3.0"});
  setup.tenant("globex", "app-chat", pp::RemoveApp{"app-chat", "disabled"});
  setup.tenant("globex", "app-chat", pp::InstallApp{"app-chat", "3.0", false});
  setup.tenant("stand-1", "app-chat", pp::RemoveApp{"app-chat", "removed"});

  setup.provider("app-mail", "mail", "dev-2", "0.9");
  setup.configuration("app-mail", 5, "0.9");
  setup.tenant("stand-2", "app-mail", pp::InstallApp{"app-mail", "0.9", true});
  setup.tenant("stand-2", "app-chat", pp::InstallApp{"app-chat", "3.0", true});
}

}  // namespace

BOOST_AUTO_TEST_CASE(provider_platform_read_models_replay_to_the_same_rows) {
  tests::TestDatabase db;
  tests::PlatformSetup setup(db.app_url());
  lifecycle(setup);

  eventstore::EventStore store({.database_url = db.app_url(), .flushers = 1, .readers = 1});
  const auto all = projections::all_projections();
  {
    projections::ProjectionRunner runner(store, all,
                                         {.database_url = db.app_url(), .poll_interval = 100ms});
    runner.start();
    BOOST_REQUIRE(runner.wait_caught_up(60s));
    runner.stop();
  }

  // The live bindings say what the aggregates say.
  BOOST_TEST(db.count("SELECT count(*) FROM tenant_bindings") == 5);
  BOOST_TEST(db.count("SELECT count(*) FROM tenant_bindings WHERE tenant_id = 'acme' AND"
                      " app_version = '3.0' AND configuration_version = 3 AND active AND"
                      " NOT sandbox") == 1);
  BOOST_TEST(db.count("SELECT count(*) FROM tenant_bindings WHERE tenant_id = 'stand-1' AND"
                      " NOT active AND sandbox AND configuration_version = 2") == 1);
  BOOST_TEST(db.count("SELECT count(*) FROM tenant_binding_history WHERE tenant_id = 'globex'") ==
             3);
  for (const auto* tenant : {"stand-1", "stand-2", "acme", "globex"}) {
    for (const auto& [app_id, i] : setup.platform().tenant(tenant).installations) {
      BOOST_TEST(
          db.count("SELECT count(*) FROM tenant_bindings WHERE tenant_id = '" +
                   std::string(tenant) + "' AND app_id = '" + app_id + "' AND app_version = '" +
                   i.app_version +
                   "' AND configuration_version = " + std::to_string(i.configuration_version) +
                   " AND active = " + (i.active ? "true" : "false")) == 1,
          tenant << '/' << app_id);
    }
  }

  for (const auto& projection : all) {
    BOOST_TEST_CONTEXT("projection " << projection->name()) {
      BOOST_TEST(projections::verify(db.admin_url(), *projection).empty());
      const auto before = tests::projection_contents(db, *projection);
      projections::rebuild(db.admin_url(), *projection);
      const auto after = tests::projection_contents(db, *projection);
      for (const auto& [table, rows] : before) {
        BOOST_TEST(after.at(table) == rows, "table " << table);
      }
    }
  }
}
