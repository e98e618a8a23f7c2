#pragma once

// What the provider's endpoints do and answer once a request is let through (tokens, modes and
// Idempotency-Key are FakeProvider's job), following the contract in docs/messaging.md:
//
//   GET    /accounts         list_accounts          {"accounts":[{id, channel_code, name}...]}
//   POST   /messages         send_message           {"provider_message_id":"sent-<n>"}
//   POST   /chats/read       read_chat              {"ok":true}
//   POST   /messages/text    update_message_text    {"ok":true}
//   POST   /messages/status  update_message_status  {"ok":true}
//   POST   /app-disabled     app_disabled           {"ok":true}
//   GET    /history?cursor=  message_history        {"messages":[...],"next_cursor":"<n>"|null}
//   POST   /bulk             bulk_send              {"results":[{message_id, provider_message_id}]}
//   POST   /webhook          set_webhook            {"ok":true}; keeps "url" for the caller's token
//   DELETE /webhook          remove_webhook         {"ok":true}, forgets the caller's token's one
//
// Webhooks are kept per token, as a real provider keeps one per client token: a test can tell
// "set for the new token" from "removed for the old one".
//
// A body without the fields the contract promises is refused with 400, so a drift in what
// Switchboard sends shows up as a failed delivery.

#include <rapidjson/document.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tools/fake_provider/http_listener.hpp"
#include "tools/fake_provider/json.hpp"

namespace switchboard::tools::fake_provider {

class ProviderEndpoints {
 public:
  // `channels` accounts ch-1..ch-N; 0 makes a single-channel provider (an empty list).
  explicit ProviderEndpoints(int channels);

  // `token`: the caller's client token (FakeProvider has checked it).
  Answer handle(const Request& request, const std::string& token);

  // Replaces the account list (an array of objects, served as given); [] is single-channel.
  void set_accounts(const rapidjson::Value& accounts);
  void set_channels(int channels);
  // Replaces the messages message_history serves, `page_size` per page.
  void set_history(const rapidjson::Value& messages, int page_size);

  // "accounts":[...],"history":{"messages":n,"page_size":n},"webhook":"..."|null,
  // "webhooks":[{"token","url"}...],"sent":n; webhook is the newest webhooks entry's URL.
  void write_state(JsonWriter& writer) const;

 private:
  Answer history_page(const std::string& cursor) const;
  std::string next_message_id();

  rapidjson::Document accounts_;
  rapidjson::Document history_;
  int page_size_ = 50;
  std::vector<std::pair<std::string, std::string>> webhooks_;  // (token, url), oldest first
  std::uint64_t sent_ = 0;
};

}  // namespace switchboard::tools::fake_provider
