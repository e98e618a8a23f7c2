// The providers read model (apps, app versions, configuration versions, publication gates) says
// what the App aggregates say, and replaying the log rebuilds it row for row, including the
// rarer events: a moderation rejection, a failed test-stand run, a deleted configuration.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <pqxx/pqxx>

#include "projections/provider_platform/providers_projection.hpp"
#include "projections/rebuild.hpp"
#include "projections/runner.hpp"
#include "tests/support/platform_setup.hpp"
#include "tests/support/test_database.hpp"

using namespace switchboard;
using namespace std::chrono_literals;
namespace pp = domain::provider_platform;

namespace {

std::string rows_of(const tests::TestDatabase& db, const std::string& table) {
  pqxx::connection c(db.admin_url());
  pqxx::nontransaction tx(c);
  std::string text;
  for (const auto& row : tx.exec("SELECT t::text FROM " + c.quote_name(table) + " t ORDER BY 1")) {
    text += row[0].c_str();
    text += '\n';
  }
  return text;
}

void must(const commands::CommandOutcome& outcome) {
  BOOST_REQUIRE_MESSAGE(outcome.ok(), outcome.rejection.message << outcome.error);
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_providers_read_model_replays_to_the_same_rows) {
  tests::TestDatabase db;
  tests::PlatformSetup setup(db.app_url());
  auto& platform = setup.platform();
  const commands::CommandContext context{.tenant = {},
                                         .actor = "test",
                                         .correlation_id = "replay",
                                         .causation_id = {},
                                         .command_id = commands::new_uuid()};
  setup.provider("app-chat", "chat", "dev-1", "1.0");
  setup.configuration("app-chat", 1, "1.0");
  setup.configuration("app-chat", 2, "1.0");
  setup.version("app-chat", "2.0");
  setup.configuration("app-chat", 4, "2.0");
  must(platform.on_app("app-chat", pp::DeleteConfiguration{1, {}}, context, ""));
  must(platform.on_app("app-chat", pp::DecideModeration{false, "icons"}, context, ""));
  must(platform.on_app("app-chat", pp::RecordTestStandResult{"crm", false, "slow"}, context, ""));
  setup.publish("app-chat");
  // An app that never became a provider.
  must(platform.register_app({"app-idle", "idle", "dev-2", ""}, context, ""));

  eventstore::EventStore store({.database_url = db.app_url(), .flushers = 1, .readers = 1});
  auto providers = std::make_shared<projections::provider_platform::ProvidersProjection>();
  {
    projections::ProjectionRunner runner(store, {providers},
                                         {.database_url = db.app_url(), .poll_interval = 100ms});
    runner.start();
    BOOST_REQUIRE(runner.wait_caught_up(60s));
    runner.stop();
  }

  const auto chat = platform.app("app-chat");
  BOOST_TEST(db.count("SELECT count(*) FROM apps WHERE app_id = 'app-chat' AND provider_code ="
                      " 'chat' AND active_configuration = " +
                      std::to_string(chat.active_configuration) +
                      " AND moderation = 'approved' AND crm_test_passed AND published") == 1);
  BOOST_TEST(db.count("SELECT count(*) FROM apps WHERE app_id = 'app-idle' AND provider_code IS"
                      " NULL AND NOT published AND moderation = 'pending'") == 1);
  for (const auto& [version, configuration] : chat.version_config) {
    BOOST_TEST(
        db.count("SELECT count(*) FROM app_versions WHERE app_id = 'app-chat' AND version"
                 " = '" +
                 version + "' AND configuration_version = " + std::to_string(configuration)) == 1,
        version);
  }
  BOOST_TEST(db.count("SELECT count(*) FROM provider_configurations WHERE state = 'deleted' AND"
                      " version = 1 AND deleted_at IS NOT NULL") == 1);
  BOOST_TEST(db.count("SELECT count(*) FROM provider_configurations WHERE state = 'inactive'"
                      " AND version = 2") == 1);
  BOOST_TEST(db.count("SELECT count(*) FROM provider_configurations WHERE state = 'active'") == 1);

  BOOST_TEST(projections::verify(db.admin_url(), *providers).empty());
  std::map<std::string, std::string> before;
  for (const auto& table : providers->tables()) before[table] = rows_of(db, table);
  projections::rebuild(db.admin_url(), *providers);
  for (const auto& table : providers->tables()) {
    BOOST_TEST(rows_of(db, table) == before[table], "table " << table);
  }
}
