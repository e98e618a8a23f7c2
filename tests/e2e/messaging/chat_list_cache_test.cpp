// GET /crm/v1/chats as CRM users poll it: an unchanged list answers 304 to its ETag, every kind of
// change makes the next poll a 200 with the new list (each server node keeps rendered lists until
// the messaging projection notifies a change), and tags never match across users or tenants.
// Revoking a user token, or deactivating or replacing a provider's client token, ends its access
// although the nodes remembered the token.

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "tests/e2e/messaging/support/messaging_stack.hpp"

namespace e2e = switchboard::tests::e2e;
using e2e::json_of;
using e2e::messaging::MessagingStack;

namespace {

constexpr const char* kList = "/crm/v1/chats";

std::string inbound(const std::string& id, const std::string& chat, const std::string& text) {
  return R"({"provider_message_id":")" + id + R"(","chat":{"id":")" + chat +
         R"(","participants":[{"id":"p1","name":"Pat"}]},"sender":{"id":"p1"},"text":")" + text +
         "\"}";
}

e2e::HttpResponse revalidate(const e2e::ApiClient& user, const std::string& etag) {
  return user.call("GET", kList, {}, {{"If-None-Match", etag}});
}

std::string etag_of(const e2e::HttpResponse& r) {
  const auto tag = r.header("ETag");
  BOOST_REQUIRE_MESSAGE(tag.has_value(), "no ETag in the answer");
  return *tag;
}

// Revalidates until the list is no longer the one tagged `etag`: the projection applies a change
// shortly after the write's answer. Fails the test after 20 s of 304s.
e2e::HttpResponse until_changed(const e2e::ApiClient& user, const std::string& etag) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{20};
  for (;;) {
    auto r = revalidate(user, etag);
    if (r.status != 304) {
      BOOST_REQUIRE_MESSAGE(r.status == 200, r.text());
      return r;
    }
    BOOST_REQUIRE_MESSAGE(std::chrono::steady_clock::now() < deadline,
                          "the list stayed " + etag + " after a change");
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
}

const rapidjson::Value& chat(const rapidjson::Document& list, const std::string& id) {
  const auto& c = e2e::messaging::chat_in(list, id);
  BOOST_REQUIRE_MESSAGE(c.IsObject(), "chat " + id + " is not in the list");
  return c;
}

e2e::ApiClient first_user_of(MessagingStack& stack, const std::string& tenant) {
  stack.install(tenant);
  return stack.user(tenant, "u1");
}

// Tenant acme with the provider connected, a CRM user and chat c-1 holding one inbound message.
struct AcmeWithAChat {
  AcmeWithAChat()
      : user(first_user_of(stack, "acme")),
        client(stack.connect(user, e2e::messaging::client_token("acme"))) {
    BOOST_REQUIRE(
        client.call("POST", "/public/v1/messages", inbound("pm-1", "c-1", "first")).status == 201);
  }
  MessagingStack stack;
  e2e::ApiClient user;
  e2e::ApiClient client;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(messaging_chat_list_cache)

BOOST_FIXTURE_TEST_CASE(an_unchanged_list_is_not_modified_and_every_change_is_a_new_list,
                        AcmeWithAChat) {
  auto list = stack.until(
      user, kList, [](const e2e::HttpResponse& r) { return json_of(r)["items"].Size() == 1u; });
  BOOST_TEST(list.header("Cache-Control").value_or("") == "private, no-cache");
  auto etag = etag_of(list);

  // Unchanged: 304 without a body, the same tag; "*" and a list of tags with ours match too.
  auto again = revalidate(user, etag);
  BOOST_TEST(again.status == 304);
  BOOST_TEST(again.body.empty());
  BOOST_TEST(etag_of(again) == etag);
  BOOST_TEST(revalidate(user, "W/\"other\", " + etag).status == 304);
  BOOST_TEST(revalidate(user, "*").status == 304);
  BOOST_TEST(revalidate(user, "W/\"other\"").status == 200);
  BOOST_TEST(user.call("GET", kList).status == 200);

  // A new inbound message: last message and unread count.
  BOOST_REQUIRE(
      client.call("POST", "/public/v1/messages", inbound("pm-2", "c-1", "second")).status == 201);
  list = until_changed(user, etag);
  auto d = json_of(list);
  BOOST_TEST(std::string(chat(d, "c-1")["last_message"]["text"].GetString()) == "second");
  BOOST_TEST(chat(d, "c-1")["unread_count"].GetInt() == 2);
  BOOST_TEST(etag_of(list) != etag);
  etag = etag_of(list);
  BOOST_TEST(revalidate(user, etag).status == 304);

  // A new chat.
  BOOST_REQUIRE(client.call("POST", "/public/v1/messages", inbound("pm-3", "c-2", "hi")).status ==
                201);
  list = until_changed(user, etag);
  BOOST_TEST(json_of(list)["items"].Size() == 2u);
  etag = etag_of(list);

  // The CRM user reads the chat.
  BOOST_REQUIRE(user.call("POST", "/crm/v1/chats/chatline/c-1/read").status == 200);
  list = until_changed(user, etag);
  BOOST_TEST(chat(json_of(list), "c-1")["unread_count"].GetInt() == 0);
  etag = etag_of(list);

  // The provider reads the other chat.
  BOOST_REQUIRE(client.call("POST", "/public/v1/chats/c-2/read").status == 200);
  list = until_changed(user, etag);
  BOOST_TEST(chat(json_of(list), "c-2")["unread_count"].GetInt() == 0);
  etag = etag_of(list);

  // The provider edits the chat.
  const auto renamed = client.call("PATCH", "/public/v1/chats/c-1",
                                   R"({"title":"Renamed","participants_added":[{"id":"p2"}]})");
  BOOST_REQUIRE_MESSAGE(renamed.status == 200, renamed.text());
  list = until_changed(user, etag);
  d = json_of(list);
  BOOST_TEST(std::string(chat(d, "c-1")["title"].GetString()) == "Renamed");
  BOOST_TEST(chat(d, "c-1")["participants"].Size() == 2u);
  etag = etag_of(list);

  // The provider changes the text of the chat's last message.
  const auto edited =
      client.call("PUT", "/public/v1/chats/c-1/messages/pm-2/text", R"({"text":"second, edited"})");
  BOOST_REQUIRE_MESSAGE(edited.status == 200, edited.text());
  list = until_changed(user, etag);
  BOOST_TEST(std::string(chat(json_of(list), "c-1")["last_message"]["text"].GetString()) ==
             "second, edited");
  etag = etag_of(list);

  // The CRM user answers: the chat's last message is theirs.
  const auto sent =
      user.call("POST", "/crm/v1/chats/chatline/c-2/messages", R"({"text":"an answer"})");
  BOOST_REQUIRE_MESSAGE(sent.status == 202, sent.text());
  list = until_changed(user, etag);
  d = json_of(list);
  BOOST_TEST(std::string(d["items"][0]["chat_id"].GetString()) == "c-2");
  BOOST_TEST(std::string(chat(d, "c-2")["last_message"]["text"].GetString()) == "an answer");
  BOOST_TEST(revalidate(user, etag_of(list)).status == 304);

  // Filtered lists and later pages have tags of their own.
  const auto unread = user.call("GET", std::string(kList) + "?unread=true");
  BOOST_REQUIRE(unread.status == 200);
  BOOST_TEST(json_of(unread)["items"].Size() == 0u);
  BOOST_TEST(etag_of(unread) != etag_of(list));
  BOOST_TEST(user.call("GET", std::string(kList) + "?unread=true", {},
                       {{"If-None-Match", etag_of(unread)}})
                 .status == 304);
  BOOST_TEST(revalidate(user, etag_of(unread)).status == 200);
}

BOOST_AUTO_TEST_CASE(tags_never_match_across_users_or_tenants) {
  MessagingStack stack;
  const auto u1 = first_user_of(stack, "acme");
  const auto g1 = first_user_of(stack, "globex");
  const auto u2 = stack.user("acme", "u2");
  const auto acme = stack.connect(u1, e2e::messaging::client_token("acme"));
  stack.connect(g1, e2e::messaging::client_token("globex"));

  // Both tenants' lists are empty, the same bytes: the tags still differ.
  const auto a1 = u1.call("GET", kList);
  const auto a2 = u2.call("GET", kList);
  const auto g = g1.call("GET", kList);
  BOOST_REQUIRE(a1.status == 200 && a2.status == 200 && g.status == 200);
  BOOST_TEST(a1.body == g.body);
  BOOST_TEST(etag_of(a1) != etag_of(a2));
  BOOST_TEST(etag_of(a1) != etag_of(g));
  BOOST_TEST(etag_of(a2) != etag_of(g));
  BOOST_TEST(revalidate(u2, etag_of(a1)).status == 200);
  BOOST_TEST(revalidate(g1, etag_of(a1)).status == 200);
  BOOST_TEST(revalidate(g1, etag_of(g)).status == 304);

  // A change in acme's list: both acme users see it; globex's list is still its own, unchanged.
  BOOST_REQUIRE(acme.call("POST", "/public/v1/messages", inbound("pm-1", "c-1", "news")).status ==
                201);
  const auto changed = until_changed(u1, etag_of(a1));
  BOOST_TEST(json_of(changed)["items"].Size() == 1u);
  const auto other = until_changed(u2, etag_of(a2));
  BOOST_TEST(json_of(other)["items"].Size() == 1u);
  BOOST_TEST(etag_of(other) != etag_of(changed));
  BOOST_TEST(revalidate(g1, etag_of(g)).status == 304);
  const auto still = g1.call("GET", kList);
  BOOST_TEST(json_of(still)["items"].Size() == 0u);
  BOOST_TEST(revalidate(g1, etag_of(changed)).status == 200);
}

BOOST_AUTO_TEST_CASE(a_revoked_user_token_is_refused_although_the_node_remembered_it) {
  MessagingStack stack;
  stack.install("acme");
  const auto issued = stack.marketplace().call("POST", "/internal/v1/tenants/acme/users/u1/tokens");
  BOOST_REQUIRE_MESSAGE(issued.status == 201, issued.text());
  const auto d = json_of(issued);
  const e2e::ApiClient user{stack.server().endpoint(), d["token"].GetString()};
  stack.until(user, kList, [](const e2e::HttpResponse& r) { return r.status == 200; });
  BOOST_TEST(user.call("GET", kList).status == 200);

  const auto command = std::string(SWITCHBOARD_ADMIN_BINARY) + " tokens revoke " +
                       d["token_id"].GetString() + " --database-url '" +
                       stack.server().database().admin_url() + "' >/dev/null 2>&1";
  BOOST_REQUIRE_EQUAL(std::system(command.c_str()), 0);
  stack.until(user, kList, [](const e2e::HttpResponse& r) { return r.status == 401; });
}

BOOST_AUTO_TEST_CASE(a_retired_client_token_is_refused_although_the_nodes_remembered_it) {
  MessagingStack stack;
  stack.install("acme");
  const auto user = stack.user("acme", "u1");
  const auto first_token = e2e::messaging::client_token("acme");
  const auto first = stack.connect(user, first_token);
  const auto& db = stack.server().database();
  e2e::ServerProcess other_node{
      {{"database.url", db.app_url()}, {"database.admin_url", db.admin_url()}}};
  const e2e::ApiClient first_elsewhere{other_node.endpoint(), first_token};
  // The same provider message again: accepted as the original while the token is good.
  const auto resend = [](const e2e::ApiClient& client) {
    return client.call("POST", "/public/v1/messages", inbound("pm-1", "c-1", "hi")).status;
  };
  const auto until_refused = [&](const e2e::ApiClient& client) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{20};
    while (resend(client) != 401) {
      BOOST_REQUIRE_MESSAGE(std::chrono::steady_clock::now() < deadline,
                            "the other node still takes a retired token");
      std::this_thread::sleep_for(std::chrono::milliseconds{20});
    }
  };
  BOOST_REQUIRE(resend(first) == 201);
  BOOST_REQUIRE(resend(first) < 300);
  BOOST_REQUIRE(resend(first_elsewhere) < 300);

  // Replaced: refused from the answer on by the node that answered, soon by the other.
  const auto second_token = e2e::messaging::client_token("acme");
  const auto second = stack.connect(user, second_token);
  BOOST_TEST(resend(first) == 401);
  BOOST_TEST(resend(second) < 300);
  until_refused(first_elsewhere);

  // Deactivated: likewise.
  const e2e::ApiClient second_elsewhere{other_node.endpoint(), second_token};
  BOOST_REQUIRE(resend(second_elsewhere) < 300);
  const auto deactivated = user.call("DELETE", "/crm/v1/connections/chatline");
  BOOST_REQUIRE_MESSAGE(deactivated.status == 200, deactivated.text());
  BOOST_TEST(resend(second) == 401);
  until_refused(second_elsewhere);
  BOOST_TEST(resend(first_elsewhere) == 401);
}

BOOST_AUTO_TEST_SUITE_END()
