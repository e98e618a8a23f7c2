#pragma once

// The messaging read models as JSON (migrations/0020_messaging.sql): what the CRM API lists.
// Lists are newest first; their cursors are log positions.

#include <cstdint>
#include <optional>
#include <string>

#include "api/routes/pagination.hpp"
#include "domain/json.hpp"

namespace pqxx {
class transaction_base;
}

namespace switchboard::api::routes {

struct ChatFilter {
  std::optional<std::string> provider_code;
  std::optional<std::string> account_id;
  std::optional<std::string> channel_code;
  bool unread_only = false;
};

// nullopt when the cursor is not one of ours.
std::optional<std::string> chats_page_json(pqxx::transaction_base& tx, const std::string& tenant,
                                           const ChatFilter& filter, const PageRequest& page);
std::optional<std::string> messages_page_json(pqxx::transaction_base& tx, const std::string& tenant,
                                              const std::string& provider_code,
                                              const std::string& chat_id, const PageRequest& page);
std::optional<std::string> notifications_page_json(pqxx::transaction_base& tx,
                                                   const std::string& tenant,
                                                   const std::string& user,
                                                   const PageRequest& page);
// A connection's account sync as the CRM sees it. `finished_at` (the log's time of the outcome)
// is known to the read model only: a view from the connection's state leaves it out.
struct SyncView {
  // unknown (an activation recorded before sync outcomes were: nothing will tell how its sync
  // went) | syncing | synced | failed
  std::string state;
  bool from_read_model = false;
  std::optional<std::string> finished_at;  // once ended
  std::optional<std::string> reason;       // while failed
  std::optional<std::string> detail;       // while failed
  std::optional<std::int64_t> accounts;    // once ended, unless its activation's end failed it
  std::optional<std::int64_t> chats;       // likewise
};
void write_sync(domain::JsonWriter& w, const SyncView& sync);

// {"items": [connection with its accounts]} for every provider the tenant ever connected.
std::string connections_json(pqxx::transaction_base& tx, const std::string& tenant);
// One connection, or nullopt when the tenant never activated a token for the provider.
std::optional<std::string> connection_json(pqxx::transaction_base& tx, const std::string& tenant,
                                           const std::string& provider_code);

}  // namespace switchboard::api::routes
