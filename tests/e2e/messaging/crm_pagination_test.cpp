// The CRM's growing lists page by cursor (docs/openapi.yaml, PageLimit and PageCursor): walking
// `next_cursor` from the first page to the last gives every row once, in the list's order (newest
// first), each page at most `limit` long; a cursor the server never gave is a 400 naming `cursor`.

#include <boost/test/unit_test.hpp>
#include <set>

#include "tests/e2e/messaging/support/messaging_stack.hpp"

namespace e2e = switchboard::tests::e2e;
using e2e::json_of;
using e2e::problem_fields;
using e2e::messaging::MessagingStack;

namespace {

constexpr int kLimit = 3;
constexpr int kRows = 7;  // pages of 3, 3 and 1

std::string inbound(const std::string& id, const std::string& chat) {
  return R"({"provider_message_id":")" + id + R"(","chat":{"id":")" + chat +
         R"(","participants":[{"id":"p1"}]},"sender":{"id":"p1"},"text":"hello )" + id + "\"}";
}

// `target`'s rows' `key`, walked page by page with limit kLimit; checks every page's size and
// that only the last one has no next_cursor.
std::vector<std::string> walk(const e2e::ApiClient& caller, const std::string& target,
                              const std::string& key) {
  std::vector<std::string> keys;
  std::string cursor;
  for (int page = 0;; ++page) {
    BOOST_REQUIRE_MESSAGE(page <= kRows, target << ": more pages than rows");
    const auto r = caller.call("GET", target + "?limit=" + std::to_string(kLimit) +
                                          (cursor.empty() ? "" : "&cursor=" + cursor));
    BOOST_REQUIRE_MESSAGE(r.status == 200, r.text());
    const auto d = json_of(r);
    const auto& items = d["items"];
    BOOST_TEST(items.Size() <= static_cast<unsigned>(kLimit), r.text());
    for (const auto& item : items.GetArray()) keys.emplace_back(item[key.c_str()].GetString());
    if (d["next_cursor"].IsNull()) {
      // A short page is the last one; a full one may be, too, when the rows run out with it.
      return keys;
    }
    BOOST_TEST(items.Size() == static_cast<unsigned>(kLimit), "a short page with a next_cursor");
    cursor = d["next_cursor"].GetString();
  }
}

// The same rows in one page: the order the walk must reproduce.
std::vector<std::string> all_at_once(const e2e::ApiClient& caller, const std::string& target,
                                     const std::string& key) {
  const auto r = caller.call("GET", target + "?limit=200");
  BOOST_REQUIRE_MESSAGE(r.status == 200, r.text());
  const auto d = json_of(r);
  BOOST_TEST(d["next_cursor"].IsNull());
  std::vector<std::string> keys;
  for (const auto& item : d["items"].GetArray()) keys.emplace_back(item[key.c_str()].GetString());
  return keys;
}

void check_walk(const e2e::ApiClient& caller, const std::string& target, const std::string& key,
                const std::vector<std::string>& expected) {
  const auto walked = walk(caller, target, key);
  BOOST_TEST(walked == expected, boost::test_tools::per_element());
  BOOST_TEST(std::set<std::string>(walked.begin(), walked.end()).size() == walked.size());
  BOOST_TEST(walked == all_at_once(caller, target, key), boost::test_tools::per_element());

  for (const auto* bad : {"not-a-cursor", "-5", "12abc"}) {
    const auto r = caller.call("GET", target + "?limit=3&cursor=" + bad);
    BOOST_TEST(r.status == 400, bad << ": " << r.text());
    BOOST_TEST(r.header("Content-Type").value_or("").starts_with("application/problem+json"));
    BOOST_TEST(problem_fields(r) == std::vector<std::string>{"cursor"},
               boost::test_tools::per_element());
  }
}

struct Tenant {
  explicit Tenant(MessagingStack& stack) : user(stack.user("acme", "u1")), client(connect(stack)) {}

  e2e::ApiClient connect(MessagingStack& stack) const {
    stack.install("acme");
    return stack.connect(user, e2e::messaging::client_token("acme"));
  }

  // Posts an inbound message; returns its message_id.
  std::string receive(const std::string& id, const std::string& chat) const {
    const auto r = client.call("POST", "/public/v1/messages", inbound(id, chat));
    BOOST_REQUIRE_MESSAGE(r.status == 201, r.text());
    return json_of(r)["message_id"].GetString();
  }

  e2e::ApiClient user;
  e2e::ApiClient client;
};

std::size_t items_in(const e2e::HttpResponse& r) {
  return r.status == 200 ? json_of(r)["items"].Size() : 0u;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(messaging_crm_pagination)

BOOST_AUTO_TEST_CASE(chats_page_most_recently_active_first) {
  MessagingStack stack;
  Tenant acme{stack};
  std::vector<std::string> newest_first;
  for (int i = 0; i < kRows; ++i) {
    const auto chat = "c-" + std::to_string(i);
    acme.receive("pm-" + std::to_string(i), chat);
    newest_first.insert(newest_first.begin(), chat);
  }
  stack.until(acme.user, "/crm/v1/chats?limit=200",
              [](const e2e::HttpResponse& r) { return items_in(r) == kRows; });
  check_walk(acme.user, "/crm/v1/chats", "chat_id", newest_first);
}

BOOST_AUTO_TEST_CASE(a_chats_messages_page_newest_first) {
  MessagingStack stack;
  Tenant acme{stack};
  std::vector<std::string> newest_first;
  for (int i = 0; i < kRows; ++i) {
    newest_first.insert(newest_first.begin(), acme.receive("pm-" + std::to_string(i), "c-1"));
  }
  const std::string target = "/crm/v1/chats/chatline/c-1/messages";
  stack.until(acme.user, target + "?limit=200",
              [](const e2e::HttpResponse& r) { return items_in(r) == kRows; });
  check_walk(acme.user, target, "message_id", newest_first);
}

BOOST_AUTO_TEST_CASE(notifications_page_newest_first) {
  MessagingStack stack{e2e::messaging::fast_delivery(30'000)};
  Tenant acme{stack};
  acme.receive("pm-1", "c-1");
  stack.until(acme.user, "/crm/v1/chats",
              [](const e2e::HttpResponse& r) { return items_in(r) == 1u; });
  // Every send is refused at once: one not_sent notification each, in the chat's order.
  stack.provider().set_mode({.mode = "failing", .status = 422});
  std::vector<std::string> newest_first;
  for (int i = 0; i < kRows; ++i) {
    const auto r = acme.user.call("POST", "/crm/v1/chats/chatline/c-1/messages",
                                  R"({"text":"refused )" + std::to_string(i) + "\"}");
    BOOST_REQUIRE_MESSAGE(r.status == 202, r.text());
    newest_first.insert(newest_first.begin(), json_of(r)["message_id"].GetString());
  }
  stack.until(acme.user, "/crm/v1/notifications?limit=200",
              [](const e2e::HttpResponse& r) { return items_in(r) == kRows; });
  stack.provider().set_mode({});
  check_walk(acme.user, "/crm/v1/notifications", "message_id", newest_first);
  // Notification ids are what a client would key them by: unique too.
  const auto ids = walk(acme.user, "/crm/v1/notifications", "notification_id");
  BOOST_TEST(std::set<std::string>(ids.begin(), ids.end()).size() == std::size_t{kRows});
}

BOOST_AUTO_TEST_SUITE_END()
