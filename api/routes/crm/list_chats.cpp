#include <pqxx/pqxx>

#include "api/cache/stamped_cache.hpp"
#include "api/routes/crm/crm_call.hpp"
#include "api/routes/messaging_views.hpp"
#include "eventstore/digest.hpp"

namespace switchboard::api::routes::crm {
namespace {

struct ChatPage {
  std::string body;
  std::string digest;  // SHA-256 of body, hex
};

// Pages of one node, by tenant and query; one entry per (tenant, filter, page) polled.
constexpr std::size_t kCachedPages = 20'000;

// Weak: the same list is equal whether or not it travels gzipped. Tenant, user and query are in
// it, so one user's tag never matches another user's or another tenant's list, even an equal one.
std::string etag_of(const ChatPage& page, const std::string& tenant, const std::string& user,
                    const std::string& query) {
  const auto tag = eventstore::sha256_hex(tenant + '\n' + user + '\n' + query + '\n' + page.digest);
  return "W/\"" + tag.substr(0, 32) + '"';
}

}  // namespace

// The tenant's chats, most recently active first, with unread counts and the last message;
// filtered by provider, account (channel) and channel code, or to unread ones. CRM users poll
// this every few seconds, so a node keeps the pages it rendered until the messaging projection
// notifies a change of the tenant's lists (api/cache/read_model_watch.hpp), and a client that
// sends back the ETag of an unchanged list gets 304 without a body.
http::HandlerFor<CrmCall> list_chats(Dependencies deps) {
  auto pages = std::make_shared<cache::StampedCache<ChatPage>>(kCachedPages);
  return [deps, pages](const http::Request& request, const CrmCall& c) {
    const auto page = page_request(request);
    if (const auto* refused = std::get_if<http::Response>(&page)) return *refused;
    const auto& p = std::get<PageRequest>(page);
    ChatFilter filter{request.query_param("provider_code"), request.query_param("account_id"),
                      request.query_param("channel_code"),
                      request.query_param("unread").value_or("") == "true"};
    // Everything the page depends on besides the tenant's rows, each value length-prefixed so no
    // two queries spell the same key.
    std::string query;
    const auto add = [&query](std::string_view v) {
      query += std::to_string(v.size()) + '=' + std::string(v) + '\n';
    };
    for (const auto& v : {filter.provider_code, filter.account_id, filter.channel_code}) {
      if (v) {
        add(*v);
      } else {
        query += "-\n";  // no length: no given value spells it
      }
    }
    add(filter.unread_only ? "unread" : "all");
    add(std::to_string(p.limit));
    add(p.cursor);
    const auto key = std::to_string(c.principal.tenant.size()) + '=' + c.principal.tenant + query;

    const auto stamp = deps.watch.stamp(cache::ReadModelWatch::chat_lists, c.principal.tenant);
    auto cached = pages->find(key, stamp);
    if (!cached) {
      auto json = deps.read_models.with_connection([&](pqxx::connection& connection) {
        pqxx::read_transaction tx(connection);
        return chats_page_json(tx, c.principal.tenant, filter, p);
      });
      if (!json) return bad_cursor();
      auto digest = eventstore::sha256_hex(*json);
      cached = std::make_shared<const ChatPage>(ChatPage{std::move(*json), std::move(digest)});
      pages->store(key, stamp, cached);
    }
    auto etag = etag_of(*cached, c.principal.tenant, c.principal.user, query);
    http::Response response;
    if (http::not_modified(request, etag)) {
      response.status = 304;
    } else {
      response = http::json(200, cached->body);
    }
    // Clients and caches on the way ask again every time, with the tag.
    response.headers.emplace_back("Cache-Control", "private, no-cache");
    response.headers.emplace_back("ETag", std::move(etag));
    return response;
  };
}

}  // namespace switchboard::api::routes::crm
