// The public API's edges: malformed and oversized bodies get a 4xx naming the field and change
// nothing, every error lands in the error log, bulk answers per item, and one tenant's or user's
// credentials never see or change another's chats.

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <optional>
#include <thread>

#include "tests/e2e/messaging/support/messaging_stack.hpp"

namespace e2e = switchboard::tests::e2e;
using e2e::json_of;
using e2e::problem_fields;
using e2e::messaging::MessagingStack;

namespace {

std::string message(const std::string& id, const std::string& chat, const std::string& extra = {}) {
  return R"({"provider_message_id":")" + id + R"(","chat":{"id":")" + chat +
         R"(","participants":[{"id":"p1"}]},"sender":{"id":"p1"},"text":"hello")" + extra + "}";
}

// Waits until the user's connections list `account_id`: connecting a channel reaches the read
// model after its answer.
void until_account(const MessagingStack& stack, const e2e::ApiClient& user,
                   const std::string& account_id) {
  stack.until(user, "/crm/v1/connections", [&](const e2e::HttpResponse& r) {
    return r.text().find(R"("account_id":")" + account_id + '"') != std::string::npos;
  });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(messaging_public_api)

BOOST_AUTO_TEST_CASE(bad_bodies_are_refused_naming_the_field_and_change_nothing) {
  MessagingStack stack;
  stack.install("acme");
  const auto user = stack.user("acme", "u1");
  const auto client = stack.connect(user, e2e::messaging::client_token("acme"));

  auto r = client.call("POST", "/public/v1/messages", "{not json");
  BOOST_TEST(r.status == 400);
  r = client.call("POST", "/public/v1/messages",
                  R"({"provider_message_id":"x","sender":{"id":"a"}})");
  BOOST_TEST(r.status == 400);
  BOOST_TEST(r.text().find("chat") != std::string::npos, r.text());
  r = client.call("POST", "/public/v1/messages",
                  message("m-1", "c-1", R"(,"entities":[{"type":"bold","offset":3,"length":10}])"));
  BOOST_TEST(r.status == 400);
  BOOST_TEST(problem_fields(r) == std::vector<std::string>{"/entities/0/length"},
             boost::test_tools::per_element());
  r = client.call(
      "POST", "/public/v1/messages",
      message(
          "m-1", "c-1",
          R"(,"attachments":[{"url":"ftp://files.example/a.mp4","name":"a.mp4","mime_type":"video/mp4","size":3000000000}])"));
  BOOST_TEST(r.status == 400);
  const auto fields = problem_fields(r);
  BOOST_TEST((std::find(fields.begin(), fields.end(), "/attachments/0/size") != fields.end()),
             r.text());
  BOOST_TEST((std::find(fields.begin(), fields.end(), "/attachments/0/url") != fields.end()),
             r.text());
  r = client.call("POST", "/public/v1/messages",
                  message("m-1", "c-1", R"(,"text":")" + std::string(2 << 20, 'x') + "\""));
  BOOST_TEST(r.status == 413);
  r = client.call("PUT", "/public/v1/chats/c-404/messages/m-1/status", R"({"status":"read"})");
  BOOST_TEST(r.status == 404);
  // The domain's refusals name a path parameter by its name and a body field by its pointer.
  BOOST_TEST(problem_fields(r) == std::vector<std::string>{"message_id"},
             boost::test_tools::per_element());
  r = client.call("POST", "/public/v1/messages", message("m-1", "c-1", R"(,"account_id":"nope")"));
  BOOST_TEST(r.status == 404, r.text());
  BOOST_TEST(problem_fields(r) == std::vector<std::string>{"/account_id"},
             boost::test_tools::per_element());

  // Nothing was recorded; a 2 GiB attachment declared exactly at the limit is fine.
  BOOST_TEST(stack.server().database().count(
                 "SELECT count(*) FROM events WHERE stream_id LIKE 'chat-%'") == 0);
  r = client.call(
      "POST", "/public/v1/messages",
      message(
          "m-2", "c-2",
          R"(,"attachments":[{"url":"https://files.example/big.mkv","name":"big.mkv","mime_type":"video/x-matroska","size":2147483648}])"));
  BOOST_TEST(r.status == 201, r.text());

  // Paths no route takes are logged for a caller the log can name, never for anonymous ones.
  BOOST_TEST(stack.client("").call("GET", "/public/v1/nowhere").status == 404);
  BOOST_TEST(client.call("GET", "/public/v1/nowhere").status == 404);
  BOOST_TEST(client.call("GET", "/public/v1/messages").status == 405);

  // Every error answer is in the error log, attributed to the tenant and provider. The log is
  // written behind the answers, so wait for the last two (unmatched paths go their own way).
  const auto unmatched_statuses = [](const rapidjson::Document& logged) {
    std::vector<int> statuses;
    for (const auto& e : logged["items"].GetArray()) {
      if (std::string{"(unmatched)"} == e["route"].GetString())
        statuses.push_back(e["status"].GetInt());
    }
    return statuses;
  };
  const auto errors = stack.until(
      stack.admin(), "/admin/v1/errors?source=public_api&tenant_id=acme&provider_code=chatline",
      [&](const e2e::HttpResponse& e) {
        const auto logged = json_of(e);
        return logged["items"].Size() >= 9u && unmatched_statuses(logged).size() >= 2u;
      });
  const auto logged = json_of(errors);
  const auto& oldest = logged["items"][logged["items"].Size() - 1];
  BOOST_TEST(std::string(oldest["route"].GetString()).starts_with("/public/v1/"));
  BOOST_TEST(oldest["problem"].IsObject());
  BOOST_TEST(unmatched_statuses(logged) == (std::vector<int>{405, 404}),
             boost::test_tools::per_element());
  BOOST_TEST(stack.server().database().count(
                 "SELECT count(*) FROM error_log WHERE route = '(unmatched)'") == 2);
}

BOOST_AUTO_TEST_CASE(every_route_with_a_body_refuses_bad_ones_naming_the_field) {
  MessagingStack stack;
  stack.install("acme");
  const auto user = stack.user("acme", "u1");
  const auto client = stack.connect(user, e2e::messaging::client_token("acme"));
  BOOST_REQUIRE(client.call("POST", "/public/v1/messages", message("m-1", "c-1")).status == 201);
  const auto& db = stack.server().database();
  const auto events = db.count("SELECT count(*) FROM events");

  const auto repeated = [](const std::string& item, int n) {
    std::string items;
    for (int i = 0; i < n; ++i) items += (i > 0 ? "," : "") + item;
    return items;
  };
  const std::string status_item =
      R"({"status":{"chat_id":"c-1","message_id":"m-1","status":"read"}})";
  // A body over 1 MiB: `field` holding 1 MiB of text after `before`.
  const auto over_a_mib = [](const std::string& field, const std::string& before = {}) {
    return "{" + before + '"' + field + R"(":")" + std::string(1 << 20, 'x') + "\"}";
  };
  const std::string sixteen_mib(16 << 20, 'x');

  struct Route {
    const e2e::ApiClient& caller;
    const char* method;
    std::string target;
    // A body over the route's limit (1 MiB, 16 MiB for bulk and history): 413.
    std::string oversized;
    // Bodies of the right JSON but the wrong content, each with the field it must name.
    std::vector<std::pair<std::string, std::string>> wrong;
  };
  const std::vector<Route> routes{
      {client,
       "POST",
       "/public/v1/channels",
       over_a_mib("channel_code", R"("account_id":"a",)"),
       {{R"({"account_id":5,"channel_code":"telegram"})", "/account_id"},
        {R"({"channel_code":"telegram"})", "/account_id"},
        {R"({"account_id":"a","channel_code":"telegram","extra":1})", "/extra"}}},
      {client,
       "PUT",
       "/public/v1/chats/c-1/messages/m-1/text",
       over_a_mib("text"),
       {{R"({"text":5})", "/text"}, {R"({"format":"plain"})", "/text"}}},
      {client,
       "PUT",
       "/public/v1/chats/c-1/messages/m-1/status",
       over_a_mib("status"),
       {{R"({"status":"bogus"})", "/status"}, {"{}", "/status"}}},
      {client,
       "PATCH",
       "/public/v1/chats/c-1",
       over_a_mib("title"),
       {{R"({"title":5})", "/title"}, {R"({"participants_added":"p2"})", "/participants_added"}}},
      {client,
       "POST",
       "/public/v1/bulk",
       R"({"items":[{"message":)" + message("big", "c-1") + "}],\"pad\":\"" + sixteen_mib + "\"}",
       {{"[]", ""},
        {R"({"items":{}})", "/items"},
        {R"({"items":[]})", "/items"},
        {"{}", "/items"},
        {R"({"items":[)" + repeated(status_item, 5'001) + "]}", "/items"},
        {R"({"items":[{"message":5}]})", "/items/0/message"}}},
      {client,
       "POST",
       "/public/v1/history",
       R"({"messages":[)" + message("big", "c-1") + "],\"pad\":\"" + sixteen_mib + "\"}",
       {{R"({"messages":"m-1"})", "/messages"},
        {R"({"messages":[]})", "/messages"},
        {"{}", "/messages"},
        {R"({"messages":[)" + repeated(message("h", "c-1"), 5'001) + "]}", "/messages"}}},
      {user,
       "POST",
       "/crm/v1/connections",
       over_a_mib("token", R"("provider_code":"chatline",)"),
       {{R"({"provider_code":5,"token":")" + std::string(40, 't') + "\"}", "/provider_code"},
        {R"({"provider_code":"chatline"})", "/token"}}},
      {user,
       "POST",
       "/crm/v1/chats/chatline/c-1/messages",
       over_a_mib("text"),
       {{R"({"text":5})", "/text"}, {R"({"attachments":"a.png"})", "/attachments"}}},
      {user,
       "PUT",
       "/crm/v1/chats/chatline/c-1/messages/m-1/text",
       over_a_mib("text"),
       {{R"({"text":[]})", "/text"}, {"{}", "/text"}}}};

  const auto refused = [](const e2e::HttpResponse& r, int status, const std::string& field,
                          const std::string& what) {
    BOOST_TEST(r.status == status, what << ": " << r.text().substr(0, 500));
    BOOST_TEST(r.header("Content-Type").value_or("") == "application/problem+json", what);
    if (status == 413) return;
    const auto fields = problem_fields(r);
    BOOST_TEST((std::find(fields.begin(), fields.end(), field) != fields.end()),
               what << " should name '" << field << "': " << r.text().substr(0, 500));
  };
  for (const auto& route : routes) {
    const auto what = std::string{route.method} + " " + route.target;
    for (const auto* garbage : {"{not json", "{\"text\":\"a\"} trailing", "\"\xff\""}) {
      refused(route.caller.call(route.method, route.target, garbage), 400, "",
              what + " <- " + garbage);
    }
    // No body at all comes without a Content-Type.
    refused(route.caller.call(route.method, route.target), 415, "Content-Type", what + " <- none");
    for (const auto& [body, field] : route.wrong) {
      refused(route.caller.call(route.method, route.target, body), 400, field,
              what + " <- " + body.substr(0, 80));
    }
    refused(route.caller.call(route.method, route.target, route.oversized), 413, "",
            what + " <- oversized");
  }

  // None of it was recorded or reached the provider.
  BOOST_TEST(db.count("SELECT count(*) FROM events") == events);
  for (const auto* path : {"/messages", "/messages/text", "/messages/status", "/chats/read"}) {
    BOOST_TEST(stack.provider().received(path).Size() == 0u, path);
  }
}

BOOST_AUTO_TEST_CASE(bulk_takes_a_thousand_items_and_answers_each) {
  MessagingStack stack;
  stack.install("acme");
  const auto user = stack.user("acme", "u1");
  const auto client = stack.connect(user, e2e::messaging::client_token("acme"));

  std::string items = "{\"items\":[";
  for (int i = 0; i < 1'000; ++i) {
    if (i > 0) items += ",";
    items += R"({"message":)" +
             message("bulk-" + std::to_string(i), "c-" + std::to_string(i % 50)) + "}";
  }
  items += R"(,{"status":{"chat_id":"c-0","message_id":"bulk-0","status":"read"}})";
  // Meaning is checked per item (the schema checks the request's shape as a whole).
  items += R"(,{"message":)" +
           message("bad", "c-0", R"(,"entities":[{"type":"bold","offset":0,"length":99}])") + "}";
  items += R"(,{"status":{"chat_id":"c-0","message_id":"bulk-0","status":"read"},"message":)" +
           message("both", "c-0") + "}]}";
  const auto r = client.call("POST", "/public/v1/bulk", items);
  BOOST_REQUIRE_MESSAGE(r.status == 200, r.text().substr(0, 2'000));
  const auto d = json_of(r);
  BOOST_REQUIRE_EQUAL(d["results"].Size(), 1'003u);
  for (int i = 0; i < 1'000; ++i) BOOST_TEST(d["results"][i]["status"].GetInt() == 201);
  // Incoming messages are read with read_chat: a delivery status is only for outgoing ones.
  BOOST_TEST(d["results"][1'000]["status"].GetInt() == 409);
  BOOST_TEST(d["results"][1'001]["status"].GetInt() == 400);
  BOOST_TEST(d["results"][1'002]["status"].GetInt() == 400);
  BOOST_TEST(d["failed"].GetInt() == 3);
  // Repeating the whole request records nothing new.
  const auto again = json_of(client.call("POST", "/public/v1/bulk", items));
  BOOST_TEST(again["results"][0]["status"].GetInt() == 200);
  stack.until(user, "/crm/v1/chats?limit=200",
              [](const e2e::HttpResponse& c) { return json_of(c)["items"].Size() == 50u; });
}

BOOST_AUTO_TEST_CASE(a_chat_whose_channel_was_disconnected_takes_no_messages) {
  MessagingStack stack;
  stack.install("acme");
  const auto user = stack.user("acme", "u1");
  const auto client = stack.connect(user, e2e::messaging::client_token("acme"));
  BOOST_REQUIRE(client
                    .call("POST", "/public/v1/channels",
                          R"({"account_id":"tg-9","channel_code":"telegram","name":"Bot"})")
                    .status == 201);
  BOOST_REQUIRE(
      client.call("POST", "/public/v1/messages", message("m-1", "c-1", R"(,"account_id":"tg-9")"))
          .status == 201);
  BOOST_REQUIRE(client.call("DELETE", "/public/v1/channels/tg-9").status == 200);
  const auto events_before = stack.server().database().count("SELECT count(*) FROM events");

  // Without account_id (the main account, still connected) and with the chat's own account,
  // the answer is the same: the channel the chat lives on is not connected.
  for (const std::string extra : {"", R"(,"account_id":"tg-9")", R"(,"account_id":"main")"}) {
    const auto r = client.call("POST", "/public/v1/messages", message("m-2", "c-1", extra));
    BOOST_TEST(r.status == 404, extra << ": " << r.text());
    BOOST_TEST(problem_fields(r) == std::vector<std::string>{"/account_id"},
               boost::test_tools::per_element());
  }
  const auto bulk = client.call("POST", "/public/v1/bulk",
                                R"({"items":[{"message":)" + message("m-3", "c-1") + "}]}");
  BOOST_REQUIRE_MESSAGE(bulk.status == 200, bulk.text());
  const auto d = json_of(bulk);
  BOOST_TEST(d["results"][0]["status"].GetInt() == 404);
  BOOST_TEST(std::string(d["results"][0]["body"]["errors"][0]["field"].GetString()) ==
             "/items/0/message/account_id");
  BOOST_TEST(d["failed"].GetInt() == 1);
  // A repeat of the message already recorded still answers with it.
  BOOST_TEST(client.call("POST", "/public/v1/messages", message("m-1", "c-1")).status == 200);
  BOOST_TEST(stack.server().database().count("SELECT count(*) FROM events") == events_before);
}

BOOST_AUTO_TEST_CASE(concurrent_bulk_requests_share_a_fixed_set_of_workers) {
  auto settings = e2e::messaging::fast_delivery();
  settings["http.threads"] = "16";
  MessagingStack stack{settings};
  stack.install("acme");
  const auto user = stack.user("acme", "u1");
  const auto client = stack.connect(user, e2e::messaging::client_token("acme"));
  const auto threads = [pid = stack.server().pid()] {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);) {
      if (line.starts_with("Threads:")) return std::stoi(line.substr(8));
    }
    return 0;
  };
  const auto bulk_of = [](int request) {
    std::string items = "{\"items\":[";
    for (int i = 0; i < 600; ++i) {
      if (i > 0) items += ",";
      items += R"({"message":)" +
               message("r" + std::to_string(request) + "-" + std::to_string(i),
                       "c-" + std::to_string(i % 60)) +
               "}";
    }
    return items + "]}";
  };
  // One request first: the workers start with it.
  BOOST_REQUIRE(client.call("POST", "/public/v1/bulk", bulk_of(0)).status == 200);
  const int before = threads();

  constexpr int kRequests = 8;
  std::atomic<bool> running{true};
  int most = before;
  std::thread sampler([&] {
    while (running) {
      most = std::max(most, threads());
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  std::vector<std::thread> senders;
  std::vector<std::optional<e2e::HttpResponse>> answers(kRequests);
  for (int r = 1; r <= kRequests; ++r) {
    senders.emplace_back(
        [&, r] { answers[r - 1] = client.call("POST", "/public/v1/bulk", bulk_of(r)); });
  }
  for (auto& t : senders) t.join();
  running = false;
  sampler.join();

  // Every item of every request was recorded and answered in its place.
  for (const auto& answer : answers) {
    BOOST_REQUIRE_MESSAGE(answer->status == 200, answer->text().substr(0, 200));
    const auto d = json_of(*answer);
    BOOST_TEST(d["failed"].GetInt() == 0);
    BOOST_REQUIRE_EQUAL(d["results"].Size(), 600u);
    for (rapidjson::SizeType i = 0; i < 600; ++i) {
      BOOST_TEST(d["results"][i]["index"].GetUint() == i);
      BOOST_TEST(d["results"][i]["status"].GetInt() == 201);
    }
  }
  BOOST_TEST(stack.server().database().count(
                 "SELECT count(*) FROM events WHERE event_type = 'MessageReceived'") ==
             600 * (kRequests + 1));
  // Eight requests of 60 chats each used to start about 8 x 32 threads of their own.
  BOOST_TEST(most - before <= 16, "threads " << before << " -> " << most);
}

BOOST_AUTO_TEST_CASE(a_retry_with_the_same_idempotency_key_answers_as_the_first_call) {
  MessagingStack stack;
  stack.install("acme");
  const auto user = stack.user("acme", "u1");
  const auto client = stack.connect(user, e2e::messaging::client_token("acme"));
  const std::vector<std::pair<std::string, std::string>> key{{"Idempotency-Key", "retry-1"}};

  const auto first = client.call("POST", "/public/v1/messages", message("k-1", "c-1"), key);
  BOOST_REQUIRE_MESSAGE(first.status == 201, first.text());
  const auto retry = client.call("POST", "/public/v1/messages", message("k-1", "c-1"), key);
  BOOST_TEST(retry.status == 201, retry.text());
  BOOST_TEST(json_of(retry)["created"].GetBool());
  BOOST_TEST(json_of(retry)["message_id"].GetString() ==
             std::string(json_of(first)["message_id"].GetString()));
  // Without the key the same provider id is a repeat the provider may not know it made: 200.
  const auto repeat = client.call("POST", "/public/v1/messages", message("k-1", "c-1"));
  BOOST_TEST(repeat.status == 200, repeat.text());
  BOOST_TEST(!json_of(repeat)["created"].GetBool());
  // The same key on another request is refused, naming the header.
  const auto reused = client.call("POST", "/public/v1/messages", message("k-2", "c-1"), key);
  BOOST_TEST(reused.status == 409, reused.text());
  BOOST_TEST(problem_fields(reused) == std::vector<std::string>{"Idempotency-Key"},
             boost::test_tools::per_element());
  BOOST_TEST(stack.server().database().count(
                 "SELECT count(*) FROM events WHERE event_type = 'MessageReceived'") == 1);
}

BOOST_AUTO_TEST_CASE(other_tenants_providers_and_the_wrong_kind_of_token_see_and_change_nothing) {
  MessagingStack stack;
  stack.add_provider("faxline");
  stack.install("acme");
  stack.install("acme", "faxline");
  stack.install("globex");
  const auto acme_user = stack.user("acme", "u1");
  const auto globex_user = stack.user("globex", "u1");
  const auto acme = stack.connect(acme_user, e2e::messaging::client_token("acme"));
  const auto acme_fax =
      stack.connect(acme_user, e2e::messaging::client_token("acme-fax"), "faxline");
  const auto globex = stack.connect(globex_user, e2e::messaging::client_token("globex"));

  const auto created = acme.call("POST", "/public/v1/messages", message("m-1", "secret"));
  BOOST_REQUIRE_MESSAGE(created.status == 201, created.text());
  const auto channel = acme.call("POST", "/public/v1/channels",
                                 R"({"account_id":"acme-tg","channel_code":"telegram"})");
  BOOST_REQUIRE_MESSAGE(channel.status == 201, channel.text());
  stack.until(acme_user, "/crm/v1/chats",
              [](const e2e::HttpResponse& r) { return json_of(r)["items"].Size() == 1u; });
  until_account(stack, acme_user, "acme-tg");
  const auto messages = [&] {
    return acme_user.call("GET", "/crm/v1/chats/chatline/secret/messages").text();
  };
  const auto owner_messages = messages();
  const auto owner_chats = acme_user.call("GET", "/crm/v1/chats").text();
  const auto owner_accounts = acme_user.call("GET", "/crm/v1/connections").text();
  const auto& db = stack.server().database();
  const auto events = db.count("SELECT count(*) FROM events");

  struct Attempt {
    const char* method;
    std::string target;
    std::string body;
  };
  // Every public route naming acme's chatline chat, message or channel, tried with globex's
  // chatline token and with acme's own faxline token: neither knows them.
  const std::vector<Attempt> public_routes{
      {"PUT", "/public/v1/chats/secret/messages/m-1/text", R"({"text":"pwned"})"},
      {"PUT", "/public/v1/chats/secret/messages/m-1/status", R"({"status":"read"})"},
      {"POST", "/public/v1/chats/secret/read", ""},
      {"PATCH", "/public/v1/chats/secret", R"({"title":"pwned","participants_removed":["p1"]})"},
      {"DELETE", "/public/v1/channels/acme-tg", ""}};
  const std::string bulk_status =
      R"({"items":[{"status":{"chat_id":"secret","message_id":"m-1","status":"read"}}]})";
  for (const auto* intruder : {&globex, &acme_fax}) {
    for (const auto& a : public_routes) {
      const auto r = intruder->call(a.method, a.target, a.body);
      BOOST_TEST(r.status == 404, a.method << " " << a.target << ": " << r.text());
    }
    const auto bulk = intruder->call("POST", "/public/v1/bulk", bulk_status);
    BOOST_TEST(bulk.status == 200, bulk.text());
    BOOST_TEST(json_of(bulk)["results"][0]["status"].GetInt() == 404, bulk.text());
  }
  // Every CRM route naming a chat: globex's user does not know acme's chat, and acme's own user
  // does not find it under the other provider.
  const std::vector<Attempt> crm_routes{
      {"GET", "/crm/v1/chats/chatline/secret/messages", ""},
      {"POST", "/crm/v1/chats/chatline/secret/messages", R"({"text":"x"})"},
      {"PUT", "/crm/v1/chats/chatline/secret/messages/m-1/text", R"({"text":"x"})"},
      {"POST", "/crm/v1/chats/chatline/secret/read", ""}};
  for (const auto& a : crm_routes) {
    auto r = globex_user.call(a.method, a.target, a.body);
    BOOST_TEST(r.status == 404, a.method << " " << a.target << ": " << r.text());
    auto faxline = a.target;
    faxline.replace(faxline.find("chatline"), 8, "faxline");
    r = acme_user.call(a.method, faxline, a.body);
    BOOST_TEST(r.status == 404, a.method << " " << faxline << ": " << r.text());
  }
  BOOST_TEST(json_of(globex_user.call("GET", "/crm/v1/chats"))["items"].Size() == 0u);

  // Nothing was recorded and the owner sees what it saw.
  BOOST_TEST(db.count("SELECT count(*) FROM events") == events);
  BOOST_TEST(messages() == owner_messages);
  BOOST_TEST(acme_user.call("GET", "/crm/v1/chats").text() == owner_chats);
  BOOST_TEST(acme_user.call("GET", "/crm/v1/connections").text() == owner_accounts);

  // The same chat and message ids elsewhere are other chats: new messages, bulk and history
  // there record in their own chats and leave acme's chatline chat as it was.
  BOOST_TEST(globex.call("POST", "/public/v1/messages", message("m-1", "secret")).status == 201);
  for (const auto* intruder : {&globex, &acme_fax}) {
    auto r = intruder->call("POST", "/public/v1/bulk",
                            R"({"items":[{"message":)" + message("m-2", "secret") + "}]}");
    BOOST_TEST(json_of(r)["results"][0]["status"].GetInt() == 201, r.text());
    r = intruder->call("POST", "/public/v1/history",
                       R"({"messages":[)" + message("m-3", "secret") + "]}");
    BOOST_TEST(json_of(r)["results"][0]["status"].GetInt() == 201, r.text());
  }
  stack.until(acme_user, "/crm/v1/chats",
              [](const e2e::HttpResponse& r) { return json_of(r)["items"].Size() == 2u; });
  BOOST_TEST(messages() == owner_messages);
  // None of it reached the provider as acme's: no send, edit, status or read was ever due.
  for (const auto* path : {"/messages", "/messages/text", "/messages/status", "/chats/read"}) {
    BOOST_TEST(stack.provider().received(path).Size() == 0u, path);
  }

  // A token of the wrong kind is 403; none at all, 401.
  BOOST_TEST(acme_user.call("POST", "/public/v1/messages", message("m-2", "secret")).status == 403);
  BOOST_TEST(acme.call("GET", "/crm/v1/chats").status == 403);
  BOOST_TEST(stack.marketplace().call("GET", "/crm/v1/chats").status == 403);
  BOOST_TEST(stack.client("").call("GET", "/crm/v1/chats").status == 401);
  BOOST_TEST(stack.client(std::string(40, 'z'))
                 .call("POST", "/public/v1/messages", message("m-3", "secret"))
                 .status == 401);

  // A token already activated by one tenant cannot be activated by another.
  const auto token = e2e::messaging::client_token("shared");
  stack.connect(acme_user, token);
  BOOST_TEST(globex_user
                 .call("POST", "/crm/v1/connections",
                       R"({"provider_code":"chatline","token":")" + token + R"("})")
                 .status == 409);
}

BOOST_AUTO_TEST_SUITE_END()
