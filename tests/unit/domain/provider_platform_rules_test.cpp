// The provider platform's rules as pure functions: no database, microseconds each.
#include <boost/test/unit_test.hpp>

#include "domain/json.hpp"
#include "domain/provider_platform/app.hpp"
#include "domain/provider_platform/notice.hpp"
#include "domain/provider_platform/notice_webhook.hpp"
#include "domain/provider_platform/tenant.hpp"

using namespace switchboard::domain;
using namespace switchboard::domain::provider_platform;

namespace {

template <class Aggregate, class Command, class... Context>
typename Aggregate::State run(typename Aggregate::State s, const Command& c,
                              const Context&... context) {
  auto d = decide(s, c, context...);
  if (const auto* r = std::get_if<Rejection>(&d)) BOOST_FAIL("refused: " << r->message);
  for (const auto& e : std::get<std::vector<NewEvent>>(d)) Aggregate::apply(s, e.type, e.data);
  return s;
}

template <class State, class Command, class... Context>
Rejection refused(const State& s, const Command& c, const Context&... context) {
  auto d = decide(s, c, context...);
  BOOST_REQUIRE(std::holds_alternative<Rejection>(d));
  return std::get<Rejection>(d);
}

Configuration configuration(std::int64_t version, std::string app_version) {
  Configuration c;
  c.version = version;
  c.app_version = std::move(app_version);
  c.auth_type = "token";
  for (auto name : kRequiredEndpoints) {
    c.endpoints[std::string(name)] = "https://provider.example/" + std::string(name);
  }
  return c;
}

App::State provider() {
  App::State s;
  s = run<App>(s, RegisterApp{"app-1", "chatline", "dev-1", "1.0"});
  s = run<App>(s, EnableCommunicationsScope{"1.0"});
  return run<App>(s, UploadConfiguration{configuration(1, "1.0")});
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_scope_cannot_be_disabled_once_enabled) {
  const auto s = provider();
  BOOST_CHECK(refused(s, DisableCommunicationsScope{}).kind == Rejection::Kind::conflict);
  BOOST_CHECK_EQUAL(s.provider_code(), "chatline");
}

BOOST_AUTO_TEST_CASE(configuration_versions_only_grow_and_the_newest_is_active) {
  auto s = provider();
  BOOST_CHECK_EQUAL(refused(s, UploadConfiguration{configuration(1, "1.0")}).field, "/version");
  s = run<App>(s, UploadConfiguration{configuration(5, "1.0")});
  BOOST_CHECK_EQUAL(s.active_configuration, 5);
  BOOST_CHECK_EQUAL(refused(s, UploadConfiguration{configuration(4, "1.0")}).field, "/version");
  BOOST_CHECK_EQUAL(s.version_config.at("1.0"), 5);
}

BOOST_AUTO_TEST_CASE(a_new_app_version_starts_with_the_previous_versions_configuration) {
  auto s = provider();
  s = run<App>(s, CreateAppVersion{"2.0"});
  BOOST_CHECK_EQUAL(s.version_config.at("2.0"), 1);
  s = run<App>(s, UploadConfiguration{configuration(2, "2.0")});
  BOOST_CHECK_EQUAL(s.version_config.at("1.0"), 1);
  BOOST_CHECK_EQUAL(s.version_config.at("2.0"), 2);
}

BOOST_AUTO_TEST_CASE(every_configuration_problem_is_listed) {
  auto c = configuration(0, "");
  c.auth_type = "oauth2";
  c.endpoints.erase("send_message");
  c.endpoints["read_chat"] = "ftp://provider.example/read";
  c.endpoints["teleport"] = "https://provider.example/teleport";
  const auto problems = validate_configuration(c);
  std::vector<std::string> fields;
  for (const auto& p : problems) fields.push_back(p.field);
  for (const auto* expected : {"/version", "/app_version", "/auth_type", "/endpoints/send_message",
                               "/endpoints/read_chat", "/endpoints/teleport"}) {
    BOOST_CHECK_MESSAGE(std::ranges::find(fields, expected) != fields.end(), expected);
  }
  const auto auth = std::ranges::find_if(problems, [](auto& p) { return p.field == "/auth_type"; });
  BOOST_CHECK(auth->message.find("not supported yet") != std::string::npos);
}

// Calls carry the client's token: in clear text only to the same machine.
BOOST_AUTO_TEST_CASE(plain_http_endpoints_are_refused_unless_loopback) {
  const auto problem_for = [](const std::string& url) -> std::string {
    auto c = configuration(1, "1.0");
    c.endpoints["send_message"] = url;
    const auto problems = validate_configuration(c);
    if (problems.empty()) return "";
    BOOST_CHECK_EQUAL(problems.size(), 1u);
    BOOST_CHECK_EQUAL(problems.front().field, "/endpoints/send_message");
    return problems.front().message;
  };
  for (const auto* refused :
       {"http://provider.example/messages", "http://10.0.0.5:8080/messages",
        "http://127.0.0.1.example/messages", "http://localhost.example/messages",
        "http://[::2]/messages", "http://128.0.0.1/messages", "http://127.1/messages",
        "http://127.0.0.1@provider.example/messages", "http://0.0.0.0/messages"}) {
    BOOST_CHECK_MESSAGE(problem_for(refused).starts_with("must be https"), refused);
  }
  for (const auto* allowed :
       {"https://provider.example/messages", "https://10.0.0.5/m", "http://127.0.0.1:9000/m",
        "http://127.255.3.4/m", "http://localhost:8080/m", "http://LocalHost./m",
        "http://[::1]:8080/m", "http://[::1]/m", "http://localhost?x=1", "http://127.0.0.1"}) {
    BOOST_CHECK_MESSAGE(problem_for(allowed).empty(), allowed);
  }
}

BOOST_AUTO_TEST_CASE(publication_lists_every_unmet_condition_until_all_are_met) {
  auto s = provider();
  auto r = refused(s, RequestPublication{});
  BOOST_CHECK_EQUAL(r.problems.size(), 4u);  // moderation, two test stands, approval
  s = run<App>(s, DecideModeration{true, "fine"});
  s = run<App>(s, RecordTestStandResult{"provider", true, ""});
  BOOST_CHECK_EQUAL(refused(s, RequestPublication{}).problems.size(), 2u);
  s = run<App>(s, RecordTestStandResult{"crm", true, ""});
  s = run<App>(s, ApproveForProduction{"go"});
  s = run<App>(s, RequestPublication{});
  BOOST_CHECK(s.published);
}

BOOST_AUTO_TEST_CASE(the_active_or_a_used_configuration_cannot_be_deleted) {
  auto s = provider();
  BOOST_CHECK(refused(s, DeleteConfiguration{1}).kind == Rejection::Kind::conflict);
  s = run<App>(s, UploadConfiguration{configuration(2, "1.0")});
  s = run<App>(s, CreateAppVersion{"2.0"});  // bound to 2
  s = run<App>(s, UploadConfiguration{configuration(3, "2.0")});
  s = run<App>(s, DeleteConfiguration{1});
  BOOST_CHECK(s.configurations.at(1).deleted);
  BOOST_CHECK(refused(s, DeleteConfiguration{2}).kind == Rejection::Kind::conflict);  // 1.0 uses it
}

BOOST_AUTO_TEST_CASE(sandbox_tenants_test_unpublished_apps_production_tenants_wait) {
  auto app = provider();
  app = run<App>(app, UploadConfiguration{configuration(2, "1.0")});
  Tenant::State production;
  BOOST_CHECK(refused(production, InstallApp{"app-1", "1.0", false}, app).kind ==
              Rejection::Kind::conflict);
  auto sandbox = run<Tenant>(Tenant::State{}, InstallApp{"app-1", "1.0", true}, app);
  BOOST_CHECK_EQUAL(sandbox.installations.at("app-1").configuration_version, 2);
  BOOST_CHECK(refused(sandbox, InstallApp{"app-2", "1.0", false}, app).field == "sandbox");
}

BOOST_AUTO_TEST_CASE(an_upgrade_moves_the_binding_and_removal_is_recorded_once) {
  auto app = provider();
  app = run<App>(app, DecideModeration{true, ""});
  app = run<App>(app, RecordTestStandResult{"provider", true, ""});
  app = run<App>(app, RecordTestStandResult{"crm", true, ""});
  app = run<App>(app, ApproveForProduction{""});
  app = run<App>(app, RequestPublication{});
  auto tenant = run<Tenant>(Tenant::State{}, InstallApp{"app-1", "1.0", false}, app);
  app = run<App>(app, CreateAppVersion{"2.0"});
  app = run<App>(app, UploadConfiguration{configuration(7, "2.0")});
  // Still on 1: tenants move only when they upgrade.
  BOOST_CHECK_EQUAL(tenant.installations.at("app-1").configuration_version, 1);
  tenant = run<Tenant>(tenant, UpgradeApp{"app-1", "2.0"}, app);
  BOOST_CHECK_EQUAL(tenant.installations.at("app-1").configuration_version, 7);
  tenant = run<Tenant>(tenant, RemoveApp{"app-1", "disabled"});
  BOOST_CHECK(!tenant.installations.at("app-1").active);
  BOOST_CHECK(
      std::get<std::vector<NewEvent>>(decide(tenant, RemoveApp{"app-1", "disabled"})).empty());
}

namespace {

PublishNotice notice(std::vector<std::string> providers = {}) {
  return {"n-1",
          {"Новый контракт", "New contract"},
          {"Текст", "Text"},
          "v2",
          "2027-02-28",
          providers,
          {"set_webhook"}};
}

// The codes an app holds, as the ProviderCode streams would say.
const std::set<std::string> kReserved{"chatline", "otherline"};

std::vector<std::string> fields_of(const Rejection& r) {
  std::vector<std::string> fields;
  for (const auto& p : r.problems) fields.push_back(p.field);
  return fields;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_notice_names_every_bad_field_at_once) {
  auto bad = notice({"chatline", "Bad Code", "chatline"});
  bad.title.en.clear();
  bad.body.ru = std::string(20001, 'x');
  bad.api_version = "v 2";
  bad.effective_date = "2027-02-30";
  bad.endpoints = {"set_webhook", "fax"};
  const auto r = refused(Notice::State{}, bad, kReserved);
  BOOST_CHECK(r.kind == Rejection::Kind::invalid);
  const std::vector<std::string> expected{"/title/en",       "/body/ru",     "/api_version",
                                          "/effective_date", "/providers/1", "/providers/2",
                                          "/endpoints/1"};
  const auto fields = fields_of(r);
  BOOST_CHECK_EQUAL_COLLECTIONS(fields.begin(), fields.end(), expected.begin(), expected.end());

  auto undated = notice();
  undated.effective_date.clear();
  BOOST_CHECK(run<Notice>(Notice::State{}, undated, kReserved).published);
  undated.effective_date = "2028-02-29";  // a leap day
  BOOST_CHECK(run<Notice>(Notice::State{}, undated, kReserved).published);
}

BOOST_AUTO_TEST_CASE(a_notice_is_published_once_and_concerns_its_providers) {
  const auto everyone = run<Notice>(Notice::State{}, notice(), kReserved);
  BOOST_CHECK(concerns(everyone, "chatline"));
  BOOST_CHECK_EQUAL(refused(everyone, notice(), kReserved).field, "notice_id");

  const auto some = run<Notice>(Notice::State{}, notice({"chatline"}), kReserved);
  BOOST_CHECK(concerns(some, "chatline"));
  BOOST_CHECK(!concerns(some, "otherline"));
}

BOOST_AUTO_TEST_CASE(a_notice_names_each_provider_no_app_holds) {
  const auto r = refused(Notice::State{},
                         notice({"chatline", "ghostline", "otherline", "ghostline"}), kReserved);
  BOOST_CHECK(r.kind == Rejection::Kind::invalid);
  const std::vector<std::string> expected{"/providers/1", "/providers/3"};
  const auto fields = fields_of(r);
  BOOST_CHECK_EQUAL_COLLECTIONS(fields.begin(), fields.end(), expected.begin(), expected.end());
  BOOST_CHECK_EQUAL(r.problems.front().message, "no such provider");
  // A notice for every provider names none, so nothing needs to be held.
  BOOST_CHECK(run<Notice>(Notice::State{}, notice(), std::set<std::string>{}).published);
}

BOOST_AUTO_TEST_CASE(a_withdrawn_notice_keeps_its_acknowledgements_and_takes_no_new_ones) {
  BOOST_CHECK(refused(Notice::State{}, WithdrawNotice{"called off"}).kind ==
              Rejection::Kind::not_found);
  auto s = run<Notice>(Notice::State{}, notice({"chatline", "otherline"}), kReserved);
  const auto no_reason = refused(s, WithdrawNotice{""});
  BOOST_CHECK(no_reason.kind == Rejection::Kind::invalid);
  BOOST_CHECK_EQUAL(fields_of(no_reason).at(0), "/reason");
  BOOST_CHECK_EQUAL(fields_of(refused(s, WithdrawNotice{std::string(1001, 'x')})).at(0), "/reason");

  s = run<Notice>(s, AcknowledgeNotice{"dev-1", "chatline"});
  s = run<Notice>(s, WithdrawNotice{"called off"});
  BOOST_CHECK(s.withdrawn);
  BOOST_CHECK(refused(s, WithdrawNotice{"again"}).kind == Rejection::Kind::conflict);
  // Read before the withdrawal: acknowledging again still changes nothing.
  BOOST_CHECK(
      std::get<std::vector<NewEvent>>(decide(s, AcknowledgeNotice{"dev-1", "chatline"})).empty());
  const auto late = refused(s, AcknowledgeNotice{"dev-2", "otherline"});
  BOOST_CHECK(late.kind == Rejection::Kind::conflict);
  BOOST_CHECK_EQUAL(late.field, "notice_id");
  // Withdrawn or not, other providers cannot learn of it.
  BOOST_CHECK(refused(s, AcknowledgeNotice{"dev-3", "thirdline"}).kind ==
              Rejection::Kind::not_found);
}

BOOST_AUTO_TEST_CASE(each_developer_acknowledges_a_notice_once) {
  auto s = run<Notice>(Notice::State{}, notice({"chatline", "otherline"}), kReserved);
  // Unknown notices and notices for other providers look the same.
  BOOST_CHECK(refused(Notice::State{}, AcknowledgeNotice{"dev-1", "chatline"}).kind ==
              Rejection::Kind::not_found);
  BOOST_CHECK_EQUAL(refused(s, AcknowledgeNotice{"dev-3", "thirdline"}).field, "notice_id");

  s = run<Notice>(s, AcknowledgeNotice{"dev-1", "chatline"});
  BOOST_CHECK(s.acknowledged_by.contains("dev-1"));
  BOOST_CHECK(!s.acknowledged_by.contains("dev-2"));
  BOOST_CHECK(
      std::get<std::vector<NewEvent>>(decide(s, AcknowledgeNotice{"dev-1", "chatline"})).empty());
  s = run<Notice>(s, AcknowledgeNotice{"dev-2", "otherline"});
  BOOST_CHECK_EQUAL(s.acknowledged_by.size(), 2u);
}

BOOST_AUTO_TEST_CASE(a_correction_replaces_the_notice_and_asks_for_a_new_acknowledgement) {
  const CorrectNotice fix{notice({"chatline"})};
  BOOST_CHECK(refused(Notice::State{}, fix, kReserved).kind == Rejection::Kind::not_found);
  auto s = run<Notice>(Notice::State{}, notice({"chatline", "otherline"}), kReserved);
  s = run<Notice>(s, AcknowledgeNotice{"dev-1", "chatline"});

  auto bad = fix;
  bad.title.ru.clear();
  bad.providers = {"ghostline"};
  const std::vector<std::string> expected{"/title/ru", "/providers/0"};
  const auto fields = fields_of(refused(s, bad, kReserved));
  BOOST_CHECK_EQUAL_COLLECTIONS(fields.begin(), fields.end(), expected.begin(), expected.end());

  // The acknowledgement was of the old text; the audience is the new one's.
  s = run<Notice>(s, fix, kReserved);
  BOOST_CHECK(s.acknowledged_by.empty());
  BOOST_CHECK(concerns(s, "chatline"));
  BOOST_CHECK(!concerns(s, "otherline"));
  s = run<Notice>(s, AcknowledgeNotice{"dev-1", "chatline"});
  BOOST_CHECK(s.acknowledged_by.contains("dev-1"));

  s = run<Notice>(s, WithdrawNotice{"called off"});
  BOOST_CHECK(refused(s, fix, kReserved).kind == Rejection::Kind::conflict);
}

BOOST_AUTO_TEST_CASE(a_notice_webhook_is_https_and_each_registration_replaces_the_last) {
  for (const std::string url : {"http://provider.example/notices", "ftp://provider.example/n",
                                "provider.example/notices", "https://", ""}) {
    BOOST_TEST_CONTEXT(url) {
      const auto fields =
          fields_of(refused(NoticeWebhook::State{}, RegisterNoticeWebhook{"dev-1", url, "s"}));
      BOOST_CHECK(fields == std::vector<std::string>{"/url"});
    }
  }
  // Plain http only where it never leaves the machine, as for configuration endpoints.
  auto s = run<NoticeWebhook>(NoticeWebhook::State{},
                              RegisterNoticeWebhook{"dev-1", "http://127.0.0.1:8097/notices", "s"});
  BOOST_CHECK(s.registered);
  const auto again = std::get<std::vector<NewEvent>>(
      decide(s, RegisterNoticeWebhook{"dev-1", "https://provider.example/notices", "t"}));
  BOOST_REQUIRE_EQUAL(again.size(), 1u);
  BOOST_CHECK_EQUAL(again[0].type, "NoticeWebhookRegistered");
  BOOST_CHECK(flag(parse(again[0].data), "replaced"));
  BOOST_CHECK_EQUAL(text(parse(again[0].data), "secret_sealed"), "t");

  s = run<NoticeWebhook>(s, RemoveNoticeWebhook{"dev-1"});
  BOOST_CHECK(!s.registered);
  BOOST_CHECK(refused(s, RemoveNoticeWebhook{"dev-1"}).kind == Rejection::Kind::not_found);
}

BOOST_AUTO_TEST_CASE(a_push_outcome_is_recorded_for_a_published_notice_even_once_withdrawn) {
  const RecordNoticePush failed{"chatline", "dev-1", "event-1", false, "expired", "no answer"};
  BOOST_CHECK(refused(Notice::State{}, failed).kind == Rejection::Kind::not_found);
  auto s = run<Notice>(Notice::State{}, notice({"chatline"}), kReserved);
  s = run<Notice>(s, WithdrawNotice{"called off"});
  const auto events = std::get<std::vector<NewEvent>>(decide(s, failed));
  BOOST_REQUIRE_EQUAL(events.size(), 1u);
  BOOST_CHECK_EQUAL(events[0].type, "ProviderNoticePushFailed");
  BOOST_CHECK_EQUAL(text(parse(events[0].data), "reason"), "expired");
  const auto delivered = std::get<std::vector<NewEvent>>(
      decide(s, RecordNoticePush{"chatline", "dev-1", "event-1", true, "", ""}));
  BOOST_CHECK_EQUAL(delivered.at(0).type, "ProviderNoticePushDelivered");
  BOOST_CHECK(!parse(delivered.at(0).data).HasMember("reason"));
}
